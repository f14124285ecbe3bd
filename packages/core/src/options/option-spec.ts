import { CoreErrors } from '../errors/core-errors.js';
import { parseDDL } from '../schema/ddl-parser.js';
import type { StructType } from '../schema/data-type.js';
import { parseByteSize } from './byte-size.js';
import { parseDuration } from './duration.js';

/** The value type each option kind parses to. Durations are milliseconds; byte sizes are bytes. */
export interface OptionValueTypes {
  string: string;
  int: number;
  long: number;
  double: number;
  boolean: boolean;
  duration: number;
  bytes: number;
  enum: string;
  ddl: StructType;
}

export type OptionKind = keyof OptionValueTypes;

/** One option, declared once: its name (Spark's spelling), kind, default and doc. */
export interface OptionSpec<K extends OptionKind = OptionKind> {
  readonly name: string;
  readonly kind: K;
  /** The default as the user would write it (`"1000"`, `"10 seconds"`). Absent = no default. */
  readonly default?: string;
  readonly doc: string;
  /** Allowed values for `enum` (matched case-insensitively, returned as declared). */
  readonly values?: readonly string[];
  /** Minimum for numeric kinds. */
  readonly min?: number;
}

export type ParsedOptions<S extends readonly OptionSpec[]> = {
  readonly [O in S[number] as O['name']]: O extends { default: string }
    ? OptionValueTypes[O['kind']]
    : OptionValueTypes[O['kind']] | undefined;
};

/** Declares an option list with its literal types kept, for `parseOptions`. */
export function defineOptions<const S extends readonly OptionSpec[]>(specs: S): S {
  return Object.freeze(specs);
}

function parseValue(spec: OptionSpec, raw: string, owner: string, valid: string): unknown {
  const bad = (reason: string): never => {
    throw CoreErrors.INVALID_OPTION({ option: spec.name, owner, reason, validOptions: valid });
  };
  const numeric = (n: number, integral: boolean): number => {
    if (!Number.isFinite(n) || (integral && !Number.isInteger(n))) bad(`"${raw}" is not ${integral ? 'an integer' : 'a number'}`);
    if (spec.min !== undefined && n < spec.min) bad(`must be >= ${spec.min} but was ${raw}`);
    return n;
  };
  try {
    switch (spec.kind) {
      case 'string':
        return raw;
      case 'int':
      case 'long':
        return numeric(raw.trim() === '' ? NaN : Number(raw), true);
      case 'double':
        return numeric(raw.trim() === '' ? NaN : Number(raw), false);
      case 'boolean': {
        const v = raw.trim().toLowerCase();
        if (v !== 'true' && v !== 'false') bad(`"${raw}" is not true or false`);
        return v === 'true';
      }
      case 'duration':
        return parseDuration(raw);
      case 'bytes':
        return numeric(parseByteSize(raw), true);
      case 'enum': {
        const hit = spec.values?.find((v) => v.toLowerCase() === raw.trim().toLowerCase());
        if (hit === undefined) bad(`"${raw}" is not one of ${(spec.values ?? []).join(', ')}`);
        return hit;
      }
      case 'ddl':
        return parseDDL(raw);
    }
  } catch (cause) {
    if ((cause as { code?: string }).code === 'INVALID_OPTION') throw cause;
    throw CoreErrors.INVALID_OPTION(
      { option: spec.name, owner, reason: (cause as Error).message, validOptions: valid },
      { cause },
    );
  }
}

/**
 * Validates string options against their specs, Spark-style: names match case-insensitively,
 * defaults fill the gaps, and an unknown or ill-typed option throws `INVALID_OPTION` naming the
 * valid options. `owner` names the source or sink in messages (`"cloudFiles source"`).
 */
export function parseOptions<const S extends readonly OptionSpec[]>(
  specs: S,
  raw: Readonly<Record<string, string>>,
  owner: string,
): ParsedOptions<S> {
  const valid = specs.map((s) => s.name).join(', ');
  const byLower = new Map(specs.map((s) => [s.name.toLowerCase(), s] as const));
  const out: Record<string, unknown> = {};
  for (const s of specs) if (s.default !== undefined) out[s.name] = parseValue(s, s.default, owner, valid);
  for (const [name, value] of Object.entries(raw)) {
    const spec = byLower.get(name.toLowerCase());
    if (!spec) throw CoreErrors.INVALID_OPTION({ option: name, owner, reason: 'unknown option', validOptions: valid });
    out[spec.name] = parseValue(spec, value, owner, valid);
  }
  return Object.freeze(out) as ParsedOptions<S>;
}
