import { describe, expect, it } from 'vitest';
import { decodeImage, loadImage, readImageInfo } from '@purevit/image';
import { GOLDEN, compareBytes, goldenBytes, goldenJson, openGolden, readRgb } from '../helpers/golden.js';

interface ImagesJson {
  images: {
    name: string;
    file: string;
    format: 'PNG' | 'JPEG';
    pil_mode_on_open: string;
    size_wh: [number, number];
    decoded: string;
    decoded_shape_hwc: [number, number, number];
    jpeg_chroma_subsampling?: string;
  }[];
}

const { images } = goldenJson<ImagesJson>('images/images.json');

/** golden/README.md §4: JPEG decoders may differ; these are the documented bounds (we aim for 0). */
function jpegTolerance(subsampling: string | undefined): { mean: number; max: number } {
  return subsampling === '4:2:0' ? { mean: 1.5, max: 16 } : { mean: 1.5, max: 4 };
}

describe('golden images: decodeImage = PIL open → exif_transpose → convert("RGB")', async () => {
  const decoded = await openGolden('images/decoded.safetensors');

  it.each(images.map((img) => [img.name, img] as const))('%s', async (_name, img) => {
    const bytes = goldenBytes(`images/${img.file}`);
    const expected = await readRgb(decoded, img.decoded);
    const actual = decodeImage(bytes);
    expect([actual.height, actual.width, 3]).toEqual(img.decoded_shape_hwc);

    const diff = compareBytes(actual.data, expected.data);
    console.log(`${img.name}: ${diff.differing} differing values, mean |diff| ${diff.mean.toFixed(4)}, max |diff| ${diff.max}`);
    if (img.format === 'PNG') {
      expect(diff.differing).toBe(0);
    } else {
      const tol = jpegTolerance(img.jpeg_chroma_subsampling);
      expect(diff.mean).toBeLessThanOrEqual(tol.mean);
      expect(diff.max).toBeLessThanOrEqual(tol.max);
      // Our decoder follows libjpeg-turbo's ISLOW IDCT and fancy upsampling: it matches exactly.
      expect(diff.differing).toBe(0);
    }

    const info = readImageInfo(bytes);
    expect([info.width, info.height]).toEqual(img.size_wh);
    expect(info.pilMode).toBe(img.pil_mode_on_open);
  });

  it('loadImage reads a path, a file: URL, a Blob and an ArrayBuffer to the same pixels', async () => {
    const img = images.find((i) => i.name === 'jpegexif6_160x120')!;
    const expected = await readRgb(decoded, img.decoded);
    const bytes = goldenBytes(`images/${img.file}`);
    const path = `${GOLDEN}images/${img.file}`;
    const sources = [path, new URL(`file://${path}`).href, new Blob([bytes]), bytes.slice().buffer, bytes];
    for (const source of sources) {
      const actual = await loadImage(source);
      expect(compareBytes(actual.data, expected.data).differing).toBe(0);
    }
  });
});
