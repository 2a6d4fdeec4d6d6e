/** Runs every case under a directory and formats one line per case. */

import { performance } from 'node:perf_hooks';
import { discoverCases, type GoldenCase } from './case.js';
import { kindRunner } from './kinds/index.js';
import type { CaseOutcome, CaseResult } from './outcome.js';

export interface RunOptions {
  /** Only cases whose name contains one of these substrings. */
  filter?: readonly string[];
  /** Called as each case finishes (the CLI prints here). */
  onResult?: (result: CaseResult) => void;
}

export interface RunSummary {
  results: CaseResult[];
  passed: number;
  failed: number;
  skipped: number;
}

export async function runGolden(dir: string, options: RunOptions = {}): Promise<RunSummary> {
  let cases = await discoverCases(dir);
  if (options.filter?.length) cases = cases.filter((c) => options.filter!.some((f) => c.name.includes(f)));
  const results: CaseResult[] = [];
  for (const goldenCase of cases) {
    const result = await runCase(goldenCase);
    results.push(result);
    options.onResult?.(result);
  }
  const count = (status: string): number => results.filter((r) => r.status === status).length;
  return { results, passed: count('pass'), failed: count('fail'), skipped: count('skip') };
}

export async function runCase(goldenCase: GoldenCase): Promise<CaseResult> {
  const start = performance.now();
  const runner = kindRunner(goldenCase.kind);
  let outcome: CaseOutcome;
  if (!runner) {
    outcome = { status: 'skip', worstRatio: null, variants: [], message: 'kind not supported by this runner yet' };
  } else {
    try {
      outcome = await runner(goldenCase);
    } catch (err) {
      outcome = { status: 'fail', worstRatio: null, variants: [], message: err instanceof Error ? err.message : String(err) };
    }
  }
  return { ...outcome, name: goldenCase.name, kind: goldenCase.kind, seconds: (performance.now() - start) / 1000 };
}

/**
 * `vit_act_relu  model  PASS  worst ratio 0.0421  (js: eager 0.0421 fused 0.0398; wasm: eager … fused …; …)  0.3 s`,
 * plus detail lines on failure. Variants "engine/implementation" are grouped by engine.
 */
export function formatResult(r: CaseResult, nameWidth = 32, verbose = false): string {
  const status = r.status === 'pass' ? 'PASS' : r.status === 'fail' ? 'FAIL' : 'SKIP';
  const head = `${r.name.padEnd(nameWidth)}  ${r.kind.padEnd(15)}  ${status}`;
  if (r.status === 'skip') return `${head}  (${r.message ?? 'skipped'})`;
  const ratio = r.worstRatio === null ? '-' : formatRatio(r.worstRatio);
  const variants = r.variants.length > 1 ? `  (${groupVariants(r.variants)})` : '';
  const lines = [`${head}  worst ratio ${ratio}${variants}  ${r.seconds.toFixed(1)} s`];
  if (r.message) lines.push(`    ${r.message}`);
  if (r.status === 'fail' || verbose) {
    for (const v of r.variants) {
      for (const c of v.comparisons) {
        if (c.ratio <= 1 && !c.problem && !verbose) continue;
        const relation = c.ratio <= 1 ? '<=' : '>';
        const why = c.problem ?? `max |err| ${c.maxError.toExponential(3)} ${relation} bound ${c.bound.toExponential(3)} (ratio ${formatRatio(c.ratio)})`;
        lines.push(`    [${v.label}] ${c.name}: ${why}`);
      }
    }
  }
  return lines.join('\n');
}

/** "js: eager 0.0421 fused 0.0398; wasm: …; processor 0.0000": labels "a/b" grouped under "a". */
function groupVariants(variants: CaseResult['variants']): string {
  const groups = new Map<string, string[]>();
  for (const v of variants) {
    const slash = v.label.indexOf('/');
    const [group, item] = slash < 0 ? [v.label, ''] : [v.label.slice(0, slash), v.label.slice(slash + 1)];
    const entry = `${item ? `${item} ` : ''}${formatRatio(v.worstRatio)}`;
    groups.set(group, [...(groups.get(group) ?? []), entry]);
  }
  return [...groups].map(([group, entries]) => (entries.length === 1 && !entries[0].includes(' ') ? `${group} ${entries[0]}` : `${group}: ${entries.join(' ')}`)).join('; ');
}

export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? ratio.toFixed(4) : String(ratio);
}
