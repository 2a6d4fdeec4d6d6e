// Issue 18's image cases: sizes refused from the header with a size message, the decoders' peak
// memory bounded by a small multiple of the pixels (measured in separate processes), batches that
// hold one decoded image at a time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage, DEFAULT_MAX_SIDE, ImageError, loadImage, resize } from '@purevit/image';
import { forkTs } from '../../../../test-utils/child/spawn-ts.js';
import type { PeakJob, PeakResult } from '../helpers/peak-child.js';
import { tinyProgressiveJpeg, zeroPng } from '../helpers/hostile-images.js';
import { pngChunk } from '../helpers/png-encoder.js';

const tmp = mkdtempSync(join(tmpdir(), 'purevit-hostile-images-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const MiB = 1024 * 1024;

/** A PNG header declaring `width` × `height` grey pixels, with a few bytes of image data. */
function pngHeader(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr[8] = 8;
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', Uint8Array.from([0x78, 0x9c, 0x63, 0, 0])), pngChunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((o, p) => (out.set(p, o), o + p.length), 0);
  return out;
}

describe('size messages', () => {
  it('a grey PNG of 1×178956970 (at the pixel limit) is refused from its header, not after a 7 s decode', () => {
    const t = performance.now();
    expect(() => decodeImage(pngHeader(1, 178_956_970))).toThrow(
      new ImageError('too_large', "PNG: image size 1x178956970 has a side over 16777216 pixels, the largest that PIL's resize (float32 box) handles exactly (raise maxSide to decode it anyway)"),
    );
    expect(performance.now() - t).toBeLessThan(500);
    expect(() => decodeImage(pngHeader(1, 178_956_970), { maxSide: Infinity })).toThrow(/truncated/); // past the header, as before
  });

  it('resize of an image with a side over 2^24: a size message, not "box can\'t exceed original image size"', () => {
    const tall = { data: new Uint8Array((DEFAULT_MAX_SIDE + 1) * 3), width: 1, height: DEFAULT_MAX_SIDE + 1 };
    expect(() => resize(tall, 224, 224)).toThrow(/^resize: image size 1x16777217 has a side over 16777216 pixels/);
    expect(() => resize({ data: new Uint8Array(3), width: 1, height: 1 }, 1, 20_000_000)).toThrow(/^resize \(target\): image size 1x20000000/);
  });

  it('an image URL that streams forever or stalls: loadImage stops at its read limits', async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/png' });
      if (req.url === '/stall') return void res.write(new Uint8Array(1000));
      const pump = (): void => {
        while (res.write(new Uint8Array(65536))) {
          // until the socket pushes back
        }
        res.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(loadImage(`${base}/forever`, { readLimits: { maxBytes: 2 * MiB } })).rejects.toMatchObject({ name: 'ReadLimitError', code: 'too_large' });
      await expect(loadImage(`${base}/stall`, { readLimits: { idleTimeoutMs: 200 } })).rejects.toMatchObject({ name: 'ReadLimitError', code: 'stalled' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a malformed data: URL is an ImageError', async () => {
    await expect(loadImage('data:image/png;base64,@@@')).rejects.toThrow(new ImageError('invalid_input', 'loadImage: malformed data: URL (its base64 payload does not decode)'));
    await expect(loadImage('data:image/png,%E0%A4%A')).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

/** Runs `job` in a fresh process and returns its peak memory growth. */
function peak(job: PeakJob): Promise<PeakResult> {
  const child = forkTs(fileURLToPath(new URL('../helpers/peak-child.ts', import.meta.url)));
  return new Promise((resolve, reject) => {
    child.once('message', () => {
      child.once('message', (m) => {
        child.kill();
        resolve(m as PeakResult);
      });
      child.send(job);
    });
    child.once('exit', (code) => reject(new Error(`peak child exited with ${code}`)));
  });
}

describe('the decoders hold about one output image, not copies of it', () => {
  it('PNG RGBA 16-bit with EXIF rotation: the peak is the 8-bit RGB output (was 16-bit rows + output + a rotated copy)', async () => {
    const [w, h] = [3000, 2000];
    const file = join(tmp, 'rgba16.png');
    writeFileSync(file, await zeroPng({ width: w, height: h, bitDepth: 16, colorType: 6, orientation: 6 }));
    const { growth, outcome } = await peak({ kind: 'decode', files: [file] });
    expect(outcome).toBe(`${h}x${w}`);
    const output = w * h * 3;
    expect(growth, `grew ${(growth / MiB).toFixed(1)} MiB for an 8-bit output of ${(output / MiB).toFixed(1)} MiB`).toBeLessThan(1.1 * output + 16 * MiB);
  });

  it('progressive JPEG of 6000×4000 in 122 bytes: the peak is the output, no full-size sample planes', async () => {
    const file = join(tmp, 'progressive.jpg');
    writeFileSync(file, tinyProgressiveJpeg(6000, 4000));
    const { growth, outcome } = await peak({ kind: 'decode', files: [file] });
    expect(outcome).toBe('6000x4000');
    const output = 6000 * 4000 * 3;
    expect(growth, `grew ${(growth / MiB).toFixed(1)} MiB`).toBeLessThan(1.1 * output + 16 * MiB);
  });

  it('a batch of 4 large images does not keep every decoded image alive', async () => {
    // Each decoded image is garbage once prepared; V8 frees ArrayBuffers in a GC it starts only once
    // about 64 MiB of them are pending, so the bound is one live image plus that window (all four
    // alive, as before, is over 4 × 34 MiB).
    const file = join(tmp, 'batch.jpg');
    writeFileSync(file, tinyProgressiveJpeg(4000, 3000));
    const { growth, outcome } = await peak({ kind: 'preprocess', files: [file, file, file, file] });
    expect(outcome).toBe('4x3x32x32');
    const one = 4000 * 3000 * 3;
    expect(growth, `grew ${(growth / MiB).toFixed(1)} MiB for 4 images of ${(one / MiB).toFixed(1)} MiB`).toBeLessThan(one + 64 * MiB + 16 * MiB);
  });
});
