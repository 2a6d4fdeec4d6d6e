/**
 * The dispatch table: case kind → runner. A kind without a runner is reported as skipped, never as
 * passed.
 */

import type { KindRunner } from '../outcome.js';
import { runImageCase } from './image.js';
import { runImageProcessorCase } from './image-processor.js';
import { runKernelCase } from './kernel.js';
import { runModelCase } from './model.js';

export const KIND_RUNNERS: Readonly<Record<string, KindRunner>> = {
  kernel: runKernelCase,
  image: runImageCase,
  image_processor: runImageProcessorCase,
  model: runModelCase,
};

export function kindRunner(kind: string): KindRunner | undefined {
  return Object.prototype.hasOwnProperty.call(KIND_RUNNERS, kind) ? KIND_RUNNERS[kind] : undefined;
}
