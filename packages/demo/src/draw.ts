import type { RgbImage } from '@purevit/image';

/** Draws an RGB image into a canvas at its own size (CSS scales it; small images stay pixelated). */
export function drawRgb(canvas: HTMLCanvasElement, image: RgbImage): void {
  const { width, height, data } = image;
  canvas.width = width;
  canvas.height = height;
  const rgba = new ImageData(width, height);
  for (let p = 0, q = 0; p < width * height * 3; p += 3, q += 4) {
    rgba.data[q] = data[p];
    rgba.data[q + 1] = data[p + 1];
    rgba.data[q + 2] = data[p + 2];
    rgba.data[q + 3] = 255;
  }
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser has no 2D canvas');
  context.putImageData(rgba, 0, 0);
}
