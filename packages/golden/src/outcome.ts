import type { GoldenCase } from './case.js';
import type { Comparison } from './tolerance.js';

export type CaseStatus = 'pass' | 'fail' | 'skip';

/** One way of running a case (e.g. eager vs fused attention) and how it compared. */
export interface VariantResult {
  label: string;
  comparisons: Comparison[];
  /** max ratio over `comparisons`. */
  worstRatio: number;
}

export interface CaseOutcome {
  status: CaseStatus;
  /** max ratio over every variant; null when the case did not run. */
  worstRatio: number | null;
  variants: VariantResult[];
  /** Why a case was skipped or failed without comparing (an exception, an unsupported class). */
  message?: string;
}

export interface CaseResult extends CaseOutcome {
  name: string;
  kind: string;
  seconds: number;
}

/** Runs one case of one kind. Throwing is a failure with the error's message. */
export type KindRunner = (goldenCase: GoldenCase) => Promise<CaseOutcome>;

export function skip(message: string): CaseOutcome {
  return { status: 'skip', worstRatio: null, variants: [], message };
}

/** The outcome of compared variants: pass when every ratio is at most 1 (and there was something to compare). */
export function judge(variants: VariantResult[]): CaseOutcome {
  const all = variants.flatMap((v) => v.comparisons);
  const worstRatio = variants.reduce((w, v) => (v.worstRatio > w || Number.isNaN(v.worstRatio) ? v.worstRatio : w), 0);
  const ok = all.length > 0 && all.every((c) => c.ratio <= 1 && !c.problem);
  return {
    status: ok ? 'pass' : 'fail',
    worstRatio,
    variants,
    ...(all.length === 0 ? { message: 'nothing was compared' } : {}),
  };
}
