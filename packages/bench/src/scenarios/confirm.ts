import { compareAtSaturation } from './interleave.js';
import type { Scenario } from './types.js';

/**
 * How recipients confirm what they receive, same saturation load against Parley, interleaved: one
 * action 4 status 1 per message, or one action 22 "received through" every 200 ms at most, as the
 * SDK does. Says what batching the confirmations saves the server per message.
 */
export const confirm: Scenario = {
  name: 'confirm',
  describe: 'Parley with recipients confirming each message (action 4) vs through a position (action 22)',
  async run(ctx) {
    const levels = await compareAtSaturation(
      ctx,
      [
        { id: 'each', label: 'Parley, confirm each', confirm: 'each' },
        { id: 'through', label: 'Parley, confirm through', confirm: 'through' },
      ],
      'confirm',
    );
    return {
      kind: 'confirm',
      levels: levels.map(({ pairs, window, runs: [each, through] }) => ({ pairs, window, each, through })),
    };
  },
};
