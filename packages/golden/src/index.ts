export { discoverCases, type CaseJson, type GoldenCase, type OutputSpec } from './case.js';
export { compareTensor, maxAbs, toleranceBound, worstRatio, type Comparison } from './tolerance.js';
export { IoFile } from './io.js';
export { judge, skip, type CaseOutcome, type CaseResult, type CaseStatus, type KindRunner, type VariantResult } from './outcome.js';
export { KIND_RUNNERS, kindRunner } from './kinds/index.js';
export { MODEL_CLASSES, type CaseInputs, type LoadedModel, type ModelAdapter, type ModelOutputs } from './kinds/model-classes.js';
export { formatResult, runCase, runGolden, type RunOptions, type RunSummary } from './runner.js';
export { DATA_PACKAGE, DEFAULT_DATA_DIR, evaluateFashion, formatFashionReport, type Disagreement, type FashionEvalOptions, type FashionEvalReport } from './fashion/eval.js';
export { readIdx, type IdxArray } from './fashion/idx.js';
