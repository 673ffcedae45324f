import { ConfigError, parseCli } from '../config/cli.js';
import { BackupError, backupSqlite } from './sqlite-backup.js';

export const BACKUP_USAGE = `Usage: parley backup FILE [--force] [options]

Copies the SQLite database (DATA_DIR/parley.db) to FILE, a consistent snapshot, also while the
server runs. An existing FILE is refused unless --force. The settings (DATA_DIR or --data-dir)
are read as the server reads them. Uploads (DATA_DIR/files) are not in the copy.
`;

/** `parley backup FILE [--force]`; resolves with the exit code (2: usage or settings, 1: the copy failed). */
export async function backupCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [file, ...rest] = argv;
  if (file === '--help' || file === '-h') {
    process.stdout.write(BACKUP_USAGE);
    return 0;
  }
  if (file === undefined || file.startsWith('-')) {
    process.stderr.write(`parley backup: name the file to write\n\n${BACKUP_USAGE}`);
    return 2;
  }
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(
      rest.filter((a) => a !== '--force'),
      env,
    );
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`parley backup: ${err.message}\n`);
    return 2;
  }
  if (!('config' in parsed)) {
    process.stdout.write(BACKUP_USAGE);
    return 0;
  }
  const { config } = parsed;
  if (config.databaseUrl !== undefined) {
    process.stderr.write(
      'parley backup: DATABASE_URL is set, so the data is in PostgreSQL, which this command does not copy.\n' +
        `Use pg_dump: pg_dump --schema=${config.databaseSchema} --format=custom --file=parley.dump <database>\n` +
        '(see "PostgreSQL" in docs/operations.md)\n',
    );
    return 2;
  }
  try {
    const r = await backupSqlite(config.dataDir, file, { force: rest.includes('--force') });
    process.stdout.write(`Backup of ${r.source} written to ${r.target} (${r.bytes} bytes)\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    process.stderr.write(`parley backup: ${err.message}\n`);
    return 1;
  }
}
