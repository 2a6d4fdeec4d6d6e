// Measures one call in its own process (run by hostile/memory.test.ts through test-utils/child): the
// growth of resident memory from just before the call to its peak (maxRSS), and what it returned.
import { readFileSync } from 'node:fs';
import { decodeImage, ViTImageProcessor } from '@purevit/image';

export interface PeakJob {
  /** 'decode' the first file; 'preprocess' them all as one batch (to 32×32). */
  kind: 'decode' | 'preprocess';
  files: string[];
}

export interface PeakResult {
  /** maxRSS at the end minus RSS just before the call, in bytes (an over-estimate if loading peaked higher). */
  growth: number;
  outcome: string;
}

process.once('message', (job: PeakJob) => {
  void (async () => {
    const inputs = job.files.map((f) => new Uint8Array(readFileSync(f)));
    const processor = new ViTImageProcessor({ size: { height: 32, width: 32 } });
    const before = process.memoryUsage().rss;
    let outcome: string;
    try {
      if (job.kind === 'decode') {
        const image = decodeImage(inputs[0]);
        outcome = `${image.width}x${image.height}`;
      } else {
        outcome = (await processor.preprocess(inputs)).pixelValues.shape.join('x');
      }
    } catch (e) {
      outcome = `${(e as Error).name}: ${(e as Error).message}`;
    }
    process.send!({ growth: process.resourceUsage().maxRSS * 1024 - before, outcome } satisfies PeakResult);
  })();
});
process.send!('ready');
