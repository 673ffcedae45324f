import { compareAtSaturation } from './interleave.js';
import type { Scenario } from './types.js';

/**
 * Where SQLite's write batches run: in the writer thread (the default) or on the event loop, same
 * saturation load, interleaved. Says what the thread buys in msg/s and what it costs in CPU.
 */
export const writer: Scenario = {
  name: 'writer',
  describe: 'Parley with SQLITE_WRITER=thread (default) vs inline (batches on the event loop), same load',
  async run(ctx) {
    const levels = await compareAtSaturation(
      ctx,
      [
        { id: 'thread', label: 'Parley SQLITE_WRITER=thread', parley: { env: { SQLITE_WRITER: 'thread' } } },
        { id: 'inline', label: 'Parley SQLITE_WRITER=inline', parley: { env: { SQLITE_WRITER: 'inline' } } },
      ],
      'writer',
    );
    return {
      kind: 'writer',
      levels: levels.map(({ pairs, window, runs: [thread, inline] }) => ({ pairs, window, thread, inline })),
    };
  },
};
