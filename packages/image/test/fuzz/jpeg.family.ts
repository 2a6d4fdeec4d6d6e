// Fuzz family: JPEG files. Seeds re-encoded from the top-left corner of the golden JPEGs (every
// sampling, grey, 4:4:4, 4:2:0, EXIF), with restart markers, separate scans, Adobe and JFIF markers,
// plus progressive ones; mutations of the bytes and of the frame header's fields.
import { readFileSync } from 'node:fs';
import { decodeImage } from '@purevit/image';
import { decodeJpegCoefficients } from '@purevit/image/decode/jpeg/jpeg';
import type { FuzzFamily } from '../../../../test-utils/fuzz/family.js';
import { mutateBytes } from '../../../../test-utils/fuzz/mutators.js';
import type { Rng } from '../../../../test-utils/fuzz/rng.js';
import { GOLDEN } from '../helpers/golden.js';
import { tinyProgressiveJpeg } from '../helpers/hostile-images.js';
import { encodeBaselineJpeg, type CoefficientComponent } from '../helpers/jpeg-encoder.js';
import { checkImage, declaredImageBytes, FUZZ_MAX_PIXELS } from './image-check.js';

let seeds: Uint8Array[] = [];

/** The golden file's top-left `mcusX` × `mcusY` MCUs as a small baseline JPEG. */
function corner(name: string, mcusX: number, mcusY: number, variant: number): Uint8Array {
  const { frame } = decodeJpegCoefficients(new Uint8Array(readFileSync(`${GOLDEN}images/${name}.jpg`)));
  const components: CoefficientComponent[] = frame.components.map((c) => {
    const blocksPerLine = mcusX * c.h;
    const rows = mcusY * c.v;
    const coefficients = new Int16Array(rows * blocksPerLine * 64);
    for (let r = 0; r < rows; r++) coefficients.set(c.coefficients.subarray(r * c.blocksPerLine * 64, (r * c.blocksPerLine + blocksPerLine) * 64), r * blocksPerLine * 64);
    return { id: c.id, h: c.h, v: c.v, quant: c.quant!, coefficients, blocksPerLine };
  });
  const width = mcusX * 8 * frame.maxH - (variant % 3);
  const height = mcusY * 8 * frame.maxV - (variant % 2);
  return encodeBaselineJpeg({ width, height, components, restartInterval: variant % 4 === 1 ? 1 : undefined, separateScans: variant % 4 === 2, jfif: variant % 2 === 0, adobeTransform: variant === 3 ? 1 : undefined, omitDht: variant === 5 });
}

function structured(rng: Rng, seed: Uint8Array): Uint8Array {
  const jpeg = seed.slice();
  // Frame header fields: height, width, component sampling factors.
  for (let p = 2; p + 9 < jpeg.length; p++) {
    if (jpeg[p] !== 0xff || (jpeg[p + 1] !== 0xc0 && jpeg[p + 1] !== 0xc2)) continue;
    const field = rng.int(3);
    const v = rng.pick([0, 1, 7, 8, 9, 255, 1000, 2730, 65500, 65535]);
    if (field < 2) {
      jpeg[p + 5 + 2 * field] = v >> 8;
      jpeg[p + 6 + 2 * field] = v & 255;
    } else {
      jpeg[p + 11] = rng.pick([0x11, 0x22, 0x21, 0x12, 0x44, 0x31, 0x00, 0x55]);
    }
    return jpeg;
  }
  return mutateBytes(rng, jpeg);
}

const family: FuzzFamily<Uint8Array> = {
  name: 'jpeg',
  async setup() {
    seeds = [];
    for (const [name, x, y] of [['jpeg420_331x247', 2, 2], ['jpeg444_257x191', 3, 2], ['jpeggray_211x157', 3, 3], ['jpegexif6_160x120', 2, 1]] as const) {
      for (let variant = 0; variant < 6; variant++) seeds.push(corner(name, x, y, variant));
    }
    seeds.push(tinyProgressiveJpeg(40, 30), tinyProgressiveJpeg(300, 200), new Uint8Array(readFileSync(`${GOLDEN}images/jpegprog_320x240.jpg`)));
  },
  input(rng) {
    // The golden progressive file is large (5 ms a decode): a twentieth of the inputs.
    const seed = rng.chance(0.05) ? seeds[seeds.length - 1] : rng.pick(seeds.slice(0, -1));
    const out = rng.chance(0.4) ? structured(rng, seed) : mutateBytes(rng, seed, seeds);
    return rng.chance(0.2) ? mutateBytes(rng, out) : out;
  },
  declaredBytes: declaredImageBytes,
  run(bytes) {
    checkImage(decodeImage(bytes, { maxPixels: FUZZ_MAX_PIXELS }));
  },
};

export default family;
