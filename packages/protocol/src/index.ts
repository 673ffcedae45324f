export * from './actions.js';
export type * from './envelope.js';
export * from './errors.js';
export type * from './frames.js';
export type * from './http.js';
export * from './ids.js';
export * from './limits.js';
export * from './time.js';
export { type ParseResult, parseClientFrame, refOf, validateClientFrame } from './validate.js';
