/**
 * A tiny, dependency-free validator for frame objects. Each checker returns the value typed, or
 * throws SchemaError naming the field path. Unknown fields are ignored (forward compatibility).
 */
export class SchemaError extends Error {}

export type Checker<T> = (value: unknown, path: string) => T;

interface FieldSpec<T> {
  check: Checker<T>;
  optional: boolean;
}
type Shape = Record<string, FieldSpec<unknown>>;
type ShapeValue<S extends Shape> = {
  [K in keyof S as S[K]['optional'] extends true ? never : K]: S[K] extends FieldSpec<infer T> ? T : never;
} & {
  [K in keyof S as S[K]['optional'] extends true ? K : never]?: S[K] extends FieldSpec<infer T> ? T : never;
};

export function required<T>(check: Checker<T>): FieldSpec<T> & { optional: false } {
  return { check, optional: false };
}
export function optional<T>(check: Checker<T>): FieldSpec<T> & { optional: true } {
  return { check, optional: true };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function object<S extends Shape>(shape: S): Checker<ShapeValue<S>> {
  const keys = Object.keys(shape);
  const specs = Object.values(shape);
  // the field paths of the last `path` seen (an object's path is nearly always the same one)
  let pathsOf: string | undefined;
  let paths: string[] = [];
  return (value, path) => {
    if (!isPlainObject(value)) throw new SchemaError(`${path || 'frame'} must be an object`);
    if (path !== pathsOf) {
      paths = keys.map((key) => (path ? `${path}.${key}` : key));
      pathsOf = path;
    }
    const fieldPaths = paths; // a nested call with another path replaces `paths`, not this
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const spec = specs[i]!;
      const v = Object.hasOwn(value, key) ? value[key] : undefined;
      if (v === undefined || v === null) {
        if (!spec.optional) throw new SchemaError(`${fieldPaths[i]} is required`);
        continue;
      }
      out[key] = spec.check(v, fieldPaths[i]!);
    }
    return out as ShapeValue<S>;
  };
}

export function string(
  opts: { max?: number; min?: number; pattern?: RegExp; what?: string } = {},
): Checker<string> {
  const { max = Number.POSITIVE_INFINITY, min = 0, pattern, what } = opts;
  return (v, path) => {
    if (typeof v !== 'string') throw new SchemaError(`${path} must be a string`);
    if (v.length < min) throw new SchemaError(`${path} must not be empty`);
    if (v.length > max) throw new SchemaError(`${path} must be at most ${max} characters`);
    if (pattern && !pattern.test(v)) throw new SchemaError(`${path} must be ${what ?? `like ${pattern}`}`);
    if (!v.isWellFormed()) throw new SchemaError(`${path} contains a lone surrogate (not valid Unicode)`);
    return v;
  };
}

export function integer(min: number, max: number): Checker<number> {
  return (v, path) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new SchemaError(`${path} must be an integer`);
    if (v < min || v > max) throw new SchemaError(`${path} must be between ${min} and ${max}`);
    return v;
  };
}

export function oneOf<const T extends readonly (string | number | boolean)[]>(values: T): Checker<T[number]> {
  return (v, path) => {
    if (!values.includes(v as T[number])) {
      throw new SchemaError(`${path} must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
    }
    return v as T[number];
  };
}

export const boolean: Checker<boolean> = (v, path) => {
  if (typeof v !== 'boolean') throw new SchemaError(`${path} must be true or false`);
  return v;
};
