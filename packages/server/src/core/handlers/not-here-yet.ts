import { ErrorCode } from '@parley/protocol';
import { CoreError } from '../core-error.js';

/**
 * TEMPORARY, on the rooms branch only: the group actions (13, 14, 15, 17) are built on another
 * branch. Drop this file and its lines in `index.ts` when merging that branch.
 */
export function notHereYet(): never {
  throw new CoreError(ErrorCode.UnknownAction, 'this action is not available on this server yet');
}
