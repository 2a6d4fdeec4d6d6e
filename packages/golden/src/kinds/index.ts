/**
 * The dispatch table: case kind → runner. Kinds without a runner ("kernel", "image",
 * "image_processor" until their runners land in kinds/kernel.ts, kinds/image.ts,
 * kinds/image-processor.ts) are reported as skipped, never as passed.
 */

import type { KindRunner } from '../outcome.js';
import { runModelCase } from './model.js';

export const KIND_RUNNERS: Readonly<Record<string, KindRunner>> = {
  model: runModelCase,
};

export function kindRunner(kind: string): KindRunner | undefined {
  return Object.prototype.hasOwnProperty.call(KIND_RUNNERS, kind) ? KIND_RUNNERS[kind] : undefined;
}
