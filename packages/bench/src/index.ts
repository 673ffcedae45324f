export { type LoadRun, type LoadSpec, runLoad } from './load/generator.js';
export { type RunningTarget, startTarget, type TargetName, withTarget } from './targets.js';
