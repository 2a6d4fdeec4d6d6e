/** A few bundled Fashion-MNIST test images (models/fashion-eval/samples), named `<index>_<true class>.png`. */

export interface Sample {
  file: string;
  /** The true class, from the file name. */
  label: string;
}

export const SAMPLES: readonly Sample[] = [
  { file: '0000_9.png', label: 'Ankle boot' },
  { file: '0001_2.png', label: 'Pullover' },
  { file: '0002_1.png', label: 'Trouser' },
  { file: '0009_7.png', label: 'Sneaker' },
  { file: '0018_8.png', label: 'Bag' },
  { file: '0019_0.png', label: 'T-shirt/top' },
];

/** URL of a sample, relative to the page (the server maps /models/ to the repository's models/ folder). */
export function sampleUrl(sample: Sample, base: string): string {
  return new URL(`models/fashion-eval/samples/${sample.file}`, base).href;
}
