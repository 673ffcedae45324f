import type { ConfirmResult, WriterResult } from '../scenarios/types.js';
import { type PairSide, pairSection } from './pair-markdown.js';

type WriterLevel = WriterResult['levels'][number];
type ConfirmLevel = ConfirmResult['levels'][number];

/** Parley with its SQLite batches in the writer thread against inline, per load level. */
export function writerSection(w: WriterResult): string {
  const inline: PairSide<WriterLevel> = { name: 'inline', run: (l) => l.inline };
  return pairSection(
    '### Where SQLite writes run (Parley, SQLITE_WRITER)',
    'SQLITE_WRITER',
    w.levels,
    [{ name: 'thread (default)', run: (l) => l.thread }, inline],
    inline,
  );
}

/** Parley with recipients confirming each message against confirming through a position. */
export function confirmSection(c: ConfirmResult): string {
  const each: PairSide<ConfirmLevel> = { name: 'each', run: (l) => l.each };
  return pairSection(
    '### How recipients confirm (Parley: one action 4 per message, or one action 22 every 200 ms)',
    'confirmations',
    c.levels,
    [each, { name: 'through (the SDK)', run: (l) => l.through }],
    each,
  );
}
