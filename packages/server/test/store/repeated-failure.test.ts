import { describe, expect, it } from 'vitest';
import { CHECKPOINT_FAILURE_LINES } from '../../src/store/sqlite/checkpointer.js';
import { RepeatedFailure } from '../../src/store/sqlite/repeated-failure.js';
import { capturingLog } from '../helpers/capturing-log.js';

describe('a fault that repeats, in the log', () => {
  it('is logged when it starts, then once a minute with a count, and when it ends', () => {
    const { lines, log } = capturingLog('info');
    let now = 0;
    const failures = new RepeatedFailure(log, CHECKPOINT_FAILURE_LINES, 60_000, () => now);
    const seen = () => lines.map(({ level, msg, failures, err }) => ({ level, msg, failures, err }));

    failures.succeeded(); // nothing failed: nothing to say
    expect(lines).toEqual([]);
    // a checkpoint pass every 250 ms on a full disk
    for (; now < 60_000; now += 250) failures.failed('database or disk is full');
    expect(seen()).toEqual([
      {
        level: 40,
        msg: 'WAL checkpoint failed; the next one retries',
        failures: undefined,
        err: 'database or disk is full',
      },
    ]);
    failures.failed('database or disk is full'); // a minute after the first line: the 240 since
    for (now += 250; now < 100_000; now += 250) failures.failed('database or disk is full');
    failures.succeeded();
    failures.succeeded();
    expect(seen().slice(1)).toEqual([
      { level: 40, msg: 'WAL checkpoints still failing', failures: 240, err: 'database or disk is full' },
      { level: 30, msg: 'WAL checkpoints work again', failures: 400, err: undefined },
    ]);
    // a new fault starts afresh
    failures.failed('disk I/O error');
    expect(seen().at(-1)).toEqual({
      level: 40,
      msg: 'WAL checkpoint failed; the next one retries',
      failures: undefined,
      err: 'disk I/O error',
    });
  });
});
