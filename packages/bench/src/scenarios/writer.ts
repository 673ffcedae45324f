import { compareParley } from './interleave.js';
import type { Scenario } from './types.js';

/**
 * Where SQLite's write batches run: in the writer thread (the default) or on the event loop, same
 * saturation load, interleaved. Says what the thread buys in msg/s and what it costs in CPU.
 */
export const writer: Scenario = {
  name: 'writer',
  describe: 'Parley with SQLITE_WRITER=thread (default) vs inline (batches on the event loop), same load',
  async run(ctx) {
    const levels =
      ctx.mode === 'quick'
        ? [{ pairs: 10, window: 8 }]
        : [
            { pairs: 100, window: 8 },
            { pairs: 1000, window: 2 },
          ];
    const out = [];
    for (const { pairs, window } of levels) {
      const [thread, inline] = await compareParley(
        ctx,
        [
          {
            id: 'thread',
            label: 'Parley SQLITE_WRITER=thread',
            parley: { env: { SQLITE_WRITER: 'thread' } },
          },
          {
            id: 'inline',
            label: 'Parley SQLITE_WRITER=inline',
            parley: { env: { SQLITE_WRITER: 'inline' } },
          },
        ],
        { pairs, window },
        `writer ${pairs} pairs`,
      );
      out.push({ pairs, window, thread: thread!, inline: inline! });
    }
    return { kind: 'writer', levels: out };
  },
};
