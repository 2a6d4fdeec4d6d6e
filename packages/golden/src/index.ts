export { discoverCases, type CaseJson, type GoldenCase, type OutputSpec } from './case.js';
export { compareTensor, maxAbs, toleranceBound, worstRatio, type Comparison } from './tolerance.js';
export { IoFile } from './io.js';
export { judge, skip, type CaseOutcome, type CaseResult, type CaseStatus, type KindRunner, type VariantResult } from './outcome.js';
export { KIND_RUNNERS, kindRunner } from './kinds/index.js';
export { MODEL_CLASSES, type CaseInputs, type LoadedModel, type ModelAdapter, type ModelOutputs } from './kinds/model-classes.js';
export { formatResult, runCase, runGolden, type RunOptions, type RunSummary } from './runner.js';
