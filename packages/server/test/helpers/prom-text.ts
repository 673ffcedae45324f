/** One sample of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** Family name → its `# TYPE`. */
  types: Map<string, string>;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const HELP_LINE = new RegExp(`^# HELP (${NAME})( .*)?$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(\\{.*\\})? (\\S+)( -?\\d+)?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/**
 * A strict reader of the Prometheus text format (version 0.0.4): every line must be blank, a
 * comment, `# HELP`, `# TYPE` or a sample; each sample must belong to a family whose TYPE came
 * before it. Throws with the line number on anything else.
 */
export function parsePrometheusText(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const lines = text.slice(0, -1).split('\n');
  for (const [i, line] of lines.entries()) {
    const fail = (why: string) => new Error(`line ${i + 1}: ${why}: ${JSON.stringify(line)}`);
    if (line === '') continue;
    const type = TYPE_LINE.exec(line);
    if (type) {
      if (types.has(type[1]!)) throw fail('second TYPE for a family');
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) {
      if (line.startsWith('# TYPE') || (line.startsWith('# HELP') && !HELP_LINE.test(line)))
        throw fail('malformed');
      continue;
    }
    const m = SAMPLE_LINE.exec(line);
    if (!m) throw fail('not a sample');
    const [, name, labelText, valueText] = m as unknown as [string, string, string | undefined, string];
    const value = parseValue(valueText);
    if (value === undefined) throw fail('bad value');
    const labels = parseLabels(labelText?.slice(1, -1) ?? '');
    if (!labels) throw fail('bad labels');
    if (familyOf(name, types) === undefined) throw fail('sample before its TYPE');
    samples.push({ name, labels, value });
  }
  return { samples, types };
}

/** As Prometheus reads values (Go's ParseFloat): NaN and Inf in any case; prom-client writes `Nan`. */
function parseValue(text: string): number | undefined {
  if (/^\+?inf(inity)?$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : undefined;
}

function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== '') {
    const m = LABEL.exec(rest);
    if (!m) return undefined;
    labels[m[1]!] = m[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(m[0].length);
  }
  return labels;
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const [family, type] of types) {
    for (const suffix of SUFFIXES[type] ?? []) if (name === family + suffix) return family;
  }
  return undefined;
}

/** The value of the one sample named `name` with exactly these labels; throws if there is none. */
export function sampleValue(exp: Exposition, name: string, labels: Record<string, string> = {}): number {
  const want = JSON.stringify(Object.entries(labels).sort());
  const found = exp.samples.filter(
    (s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want,
  );
  if (found.length > 1) throw new Error(`${found.length} samples ${name} ${want}`);
  if (found.length === 0) throw new Error(`no sample ${name} ${want}`);
  return found[0]!.value;
}
