/**
 * A small command-line parser: `--name value`, `--name=value`, boolean `--flag`, short aliases
 * (`-k 3`, `-q`), `--` ending the options. Every mistake is a UsageError naming the flag.
 */

import { UsageError } from './errors.js';

export type FlagType = 'boolean' | 'string' | 'positive-integer' | 'non-negative-integer';

export interface FlagSpec {
  type: FlagType;
  /** Shown in the usage text. */
  description: string;
  /** Value placeholder in the usage text, e.g. "<dir|hub-id>". */
  placeholder?: string;
  short?: string;
}

export type FlagValue = string | number | boolean;

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, FlagValue>;
}

/** Parses `argv` against the flags a command accepts; `usage` goes with any error. */
export function parseArgs(argv: readonly string[], flags: Readonly<Record<string, FlagSpec>>, usage: string): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, FlagValue>();
  const byShort = new Map(Object.entries(flags).filter(([, s]) => s.short).map(([name, s]) => [s.short!, name]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else {
      const long = byShort.get(arg.slice(1));
      if (long === undefined) throw new UsageError(`unknown option ${arg}`, usage);
      name = long;
    }
    const spec = Object.prototype.hasOwnProperty.call(flags, name) ? flags[name] : undefined;
    if (!spec) throw new UsageError(`unknown option --${name}`, usage);
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`, usage);
      values.set(name, true);
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      if (i + 1 >= argv.length || (argv[i + 1].startsWith('-') && argv[i + 1] !== '-')) {
        throw new UsageError(`--${name} needs a value${spec.placeholder ? ` ${spec.placeholder}` : ''}`, usage);
      }
      raw = argv[++i];
    }
    if (spec.type === 'positive-integer' || spec.type === 'non-negative-integer') {
      const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
      const min = spec.type === 'positive-integer' ? 1 : 0;
      if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be a ${min === 1 ? 'positive' : 'non-negative'} integer, got ${JSON.stringify(raw)}`, usage);
      values.set(name, n);
    } else {
      if (raw === '') throw new UsageError(`--${name} needs a non-empty value`, usage);
      values.set(name, raw);
    }
  }
  return { positionals, flags: values };
}

/** Usage text: the synopsis, then one line per flag. */
export function formatUsage(synopsis: string, description: string, flags: Readonly<Record<string, FlagSpec>>): string {
  const rows = Object.entries(flags).map(([name, s]) => {
    const left = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.placeholder ? ` ${s.placeholder}` : ''}`;
    return [left, s.description] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  return [`Usage: ${synopsis}`, '', description, '', 'Options:', ...rows.map(([left, text]) => `  ${left.padEnd(width)}  ${text}`)].join('\n');
}
