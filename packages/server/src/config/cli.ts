import { defaultConfig, OPTIONS, type OptionSpec, type ServerConfig } from './config.js';

export class ConfigError extends Error {}

export type CliResult =
  | { help: true }
  | { help: false; version: true }
  | { help: false; version?: false; config: ServerConfig };

/** Reads the configuration from the environment, then from flags (`--port 9000` or `--port=9000`). */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliResult {
  const config: Record<string, unknown> = { ...defaultConfig };
  for (const opt of OPTIONS) {
    const raw = env[opt.env];
    // an empty variable means unset, except for a secret: APP_SECRET="" must not start an open server
    if (raw !== undefined && (raw !== '' || opt.kind === 'secret'))
      config[opt.key] = convert(opt, raw, opt.env);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--version' || arg === '-v') return { help: false, version: true };
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const opt = OPTIONS.find((o) => o.flag === flag);
    if (!opt) throw new ConfigError(`unknown option ${flag} (see --help)`);
    if (opt.kind === 'flag') {
      config[opt.key] = inline === undefined ? true : convert(opt, inline, flag);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    config[opt.key] = convert(opt, value, flag);
  }
  return { help: false, config: config as unknown as ServerConfig };
}

function convert(opt: OptionSpec, raw: string, source: string): string | number | boolean {
  if (opt.kind === 'flag') {
    if (/^(1|true|yes)$/i.test(raw)) return true;
    if (/^(0|false|no)$/i.test(raw)) return false;
    throw new ConfigError(`${source} must be true or false, not ${JSON.stringify(raw)}`);
  }
  if (opt.kind === 'secret' && raw.trim() === '') {
    throw new ConfigError(`${source} is set but blank: give it a value, or unset it`);
  }
  if (opt.kind === 'int') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < (opt.min ?? 0)) {
      throw new ConfigError(
        `${source} must be an integer of at least ${opt.min ?? 0}, not ${JSON.stringify(raw)}`,
      );
    }
    if (opt.max !== undefined && n > opt.max)
      throw new ConfigError(`${source} must be an integer from ${opt.min ?? 0} to ${opt.max}, not ${n}`);
    if (opt.key === 'port' && n > 65535) throw new ConfigError(`${source} must be a port number (0-65535)`);
    return n;
  }
  if (opt.choices && !opt.choices.includes(raw)) {
    throw new ConfigError(`${source} must be one of ${opt.choices.join(', ')}, not ${JSON.stringify(raw)}`);
  }
  if (opt.check && !opt.check(raw)) {
    throw new ConfigError(
      `${source}: ${opt.kind === 'secret' ? 'the value' : JSON.stringify(raw)} is not valid (${opt.help})`,
    );
  }
  return raw;
}

export function helpText(): string {
  const rows = OPTIONS.map((o) => {
    const def = defaultConfig[o.key];
    const shown = o.kind === 'secret' || o.kind === 'flag' || def === undefined ? '' : ` (default: ${def})`;
    const flag = o.kind === 'flag' ? o.flag : `${o.flag} <value>`;
    return `  ${flag.padEnd(34)} ${o.env.padEnd(28)} ${o.help}${shown}`;
  });
  return [
    'Usage: parley [options]',
    '       parley backup FILE [--force] [options]   copy the SQLite database to FILE (also while the server runs)',
    '',
    'Parley instant-messaging server. Every option can also be set by its environment variable;',
    'a flag wins over the environment.',
    '',
    `  ${'flag'.padEnd(34)} ${'environment'.padEnd(28)} meaning`,
    ...rows,
    `  ${'--help'.padEnd(34)} ${''.padEnd(28)} show this text`,
    `  ${'--version'.padEnd(34)} ${''.padEnd(28)} print the version`,
    '',
  ].join('\n');
}
