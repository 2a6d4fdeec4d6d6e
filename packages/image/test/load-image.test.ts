import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { decodeImage, loadImage } from '@purevit/image';
import { goldenBytes, sameBytes } from './helpers/golden.js';

describe('loadImage sources', async () => {
  const rgb = decodeImage(goldenBytes('images/rgb_480x360.png'));
  const { width, height } = rgb;

  it('an RgbImage-like object is copied as is', async () => {
    const out = await loadImage(rgb);
    expect(out.data).not.toBe(rgb.data);
    expect(sameBytes(out.data, rgb.data)).toBe(true);
  });

  it('ImageData-like RGBA drops alpha (PIL convert("RGB")) and greyscale is replicated', async () => {
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      rgba.set(rgb.data.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = i % 256;
    }
    expect(sameBytes((await loadImage({ data: rgba, width, height })).data, rgb.data)).toBe(true);
    const grey = await loadImage({ data: [0, 128, 255, 7], width: 2, height: 2 });
    expect(Array.from(grey.data)).toEqual([0, 0, 0, 128, 128, 128, 255, 255, 255, 7, 7, 7]);
  });

  it('HWC ndarrays, including strided views and [H, W] greyscale', async () => {
    const hwc = ndarray(rgb.data, [height, width, 3]);
    expect(sameBytes((await loadImage(hwc)).data, rgb.data)).toBe(true);
    // A transposed-then-transposed-back view walks the data through strides.
    const chw = ndarray(new Uint8Array(rgb.data.length), [3, height, width]);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) chw.set(c, y, x, rgb.data[(y * width + x) * 3 + c]);
    expect(sameBytes((await loadImage(chw.transpose(1, 2, 0))).data, rgb.data)).toBe(true);
    const crop = hwc.hi(20, 30, 3).lo(5, 7, 0);
    const cropped = await loadImage(crop);
    expect([cropped.width, cropped.height]).toEqual([23, 15]);
    expect(Array.from(cropped.data.subarray(0, 3))).toEqual(Array.from(rgb.data.subarray((5 * width + 7) * 3, (5 * width + 7) * 3 + 3)));
    const grey = await loadImage(ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]));
    expect(Array.from(grey.data.filter((_, i) => i % 3 === 0))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('data: URLs', async () => {
    const bytes = goldenBytes('images/gray_37x53.png');
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    const out = await loadImage(`data:image/png;base64,${btoa(bin)}`);
    expect(sameBytes(out.data, decodeImage(bytes).data)).toBe(true);
  });

  it('a missing file is a clear error from the platform reader', async () => {
    await expect(loadImage('/definitely/not/here.png')).rejects.toThrow(/no such file|ENOENT/);
  });
});
