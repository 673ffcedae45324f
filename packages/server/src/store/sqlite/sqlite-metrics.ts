import { stat } from 'node:fs/promises';
import { Gauge, type Registry } from 'prom-client';

/**
 * The SQLite store's metrics, in the server's registry: the size of its write-ahead log. The log
 * restarts once it passes 256 MiB under load (checkpointer.ts) and goes when the server stops
 * cleanly; one that keeps growing means checkpoints have stopped, and the disk will fill.
 */
export function sqliteMetrics(registry: Registry, walFile: string): void {
  new Gauge({
    name: 'parley_sqlite_wal_bytes',
    help: 'Size of the SQLite write-ahead log file (bytes; it restarts at 256 MiB under load)',
    registers: [registry],
    async collect() {
      // no file: nothing written since the last clean stop
      this.set(
        await stat(walFile).then(
          (s) => s.size,
          () => 0,
        ),
      );
    },
  });
}
