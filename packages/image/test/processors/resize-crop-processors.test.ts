import { describe, expect, it } from 'vitest';
import {
  BeitImageProcessor,
  BitImageProcessor,
  DeiTImageProcessor,
  ImageError,
  OPENAI_CLIP_MEAN,
  centerCrop,
  centerCropOrigin,
  getSizeDict,
  shortestEdgeResize,
} from '@purevit/image';

describe('getSizeDict (transformers get_size_dict)', () => {
  it('an int is a square or a shortest edge; a list is [height, width]; dictionaries keep their keys', () => {
    expect(getSizeDict(224, true, 'size', 'p')).toEqual({ height: 224, width: 224 });
    expect(getSizeDict(256, false, 'size', 'p')).toEqual({ shortestEdge: 256 });
    expect(getSizeDict([30, 40], true, 'size', 'p')).toEqual({ height: 30, width: 40 });
    expect(getSizeDict({ shortest_edge: 256, longest_edge: 512 }, false, 'size', 'p')).toEqual({ shortestEdge: 256, longestEdge: 512 });
    expect(getSizeDict({ shortestEdge: 8 }, true, 'size', 'p')).toEqual({ shortestEdge: 8 });
  });

  it('names the parameter and the keys of an invalid dictionary', () => {
    expect(() => getSizeDict({ height: 2 }, true, 'crop_size', 'DeiTImageProcessor')).toThrow(/DeiTImageProcessor: crop_size must have one of the key sets .* got \{height\}/);
    expect(() => getSizeDict({ height: 2, width: 0 }, true, 'size', 'p')).toThrow(/size.width must be a positive integer, got 0/);
    expect(() => getSizeDict('224', true, 'size', 'p')).toThrow(ImageError);
  });
});

describe('centre crop (transformers center_crop)', () => {
  it('starts at floor((H - h) / 2), also when the crop is larger (zero padding before by ceil(diff / 2))', () => {
    expect(centerCropOrigin(341, 256, { height: 224, width: 224 })).toEqual({ left: 58, top: 16 });
    expect(centerCropOrigin(72, 40, { height: 48, width: 56 })).toEqual({ left: 8, top: -4 });
    // Odd difference: 5 rows too few → 3 rows of zeros before (ceil(5 / 2)), 2 after.
    expect(centerCropOrigin(4, 3, { height: 8, width: 4 })).toEqual({ left: 0, top: -3 });
    const image = { data: new Uint8Array(4 * 3 * 3).fill(7), width: 4, height: 3 };
    const out = centerCrop(image, { height: 8, width: 4 });
    const rows = Array.from({ length: 8 }, (_, y) => out.data[y * 4 * 3]);
    expect(rows).toEqual([0, 0, 0, 7, 7, 7, 0, 0]);
  });
});

describe('BitImageProcessor shortest-edge resize', () => {
  it('long edge int(s * long / short), orientation kept', () => {
    expect(shortestEdgeResize(480, 360, 256)).toEqual([341, 256]);
    expect(shortestEdgeResize(37, 53, 256)).toEqual([256, 366]);
    expect(shortestEdgeResize(100, 100, 224)).toEqual([224, 224]);
  });

  it('defaults: shortest edge 224, crop 224, bicubic, OpenAI CLIP mean/std; a legacy int size is a shortest edge', () => {
    const p = new BitImageProcessor();
    expect({ size: p.size, crop: p.cropSize, resample: p.resample, mean: [...p.imageMean] }).toEqual({
      size: { shortestEdge: 224 },
      crop: { height: 224, width: 224 },
      resample: 'bicubic',
      mean: [...OPENAI_CLIP_MEAN],
    });
    expect(BitImageProcessor.fromConfig({ size: 256, crop_size: 200 }).size).toEqual({ shortestEdge: 256 });
    expect(BitImageProcessor.fromConfig({ size: 256, crop_size: 200 }).cropSize).toEqual({ height: 200, width: 200 });
    expect(BitImageProcessor.fromConfig({ size: { height: 30, width: 20 } }).resizedSize(100, 50)).toEqual([20, 30]);
  });

  it('refuses a resize whose long edge would be huge (a very thin image), naming the sizes', () => {
    expect(() => shortestEdgeResize(1, 8000, 224)).toThrow(/BitImageProcessor: the long edge of a 1x8000 image resized to a shortest edge of 224 must be an integer in 1..8192 \(image side in pixels\), got 1792000/);
    const thin = { data: new Uint8Array(1 * 100 * 3), width: 1, height: 100 };
    expect(() => new BitImageProcessor().preprocessRgb(thin)).toThrow(/got 22400/);
  });

  it('refuses sizes it cannot resize to and configs of other processors', () => {
    expect(() => BitImageProcessor.fromConfig({ size: { longest_edge: 300 } })).toThrow(/shortest_edge or height and width/);
    expect(() => BitImageProcessor.fromConfig({ image_processor_type: 'DeiTImageProcessor' })).toThrow(/BitImageProcessor cannot load a DeiTImageProcessor config/);
  });
});

describe('DeiTImageProcessor and BeitImageProcessor', () => {
  it('defaults: 256x256 bicubic, crop 224, mean/std 0.5; a legacy int size is a square (aspect not kept)', () => {
    for (const p of [new DeiTImageProcessor(), new BeitImageProcessor()]) {
      expect({ size: p.size, crop: p.cropSize, resample: p.resample, mean: [...p.imageMean], std: [...p.imageStd] }).toEqual({
        size: { height: 256, width: 256 },
        crop: { height: 224, width: 224 },
        resample: 'bicubic',
        mean: [0.5, 0.5, 0.5],
        std: [0.5, 0.5, 0.5],
      });
    }
    expect(DeiTImageProcessor.fromConfig({ size: 100 }).resizedSize()).toEqual([100, 100]);
  });

  it('a shortest-edge size cannot be resized to: the error names the processor', () => {
    expect(() => DeiTImageProcessor.fromConfig({ size: { shortest_edge: 224 } })).toThrow(/DeiTImageProcessor: size must contain the keys height and width/);
    expect(() => new BeitImageProcessor({ size: { shortestEdge: 224 } })).toThrow(/BeitImageProcessor: size must contain the keys height and width/);
    // Without resizing the size is never used (transformers checks it in resize only).
    expect(new DeiTImageProcessor({ doResize: false, size: { shortestEdge: 224 } }).doResize).toBe(false);
  });

  it('BEiT reads the legacy reduce_labels as do_reduce_labels; a crop never runs without do_center_crop', () => {
    const p = BeitImageProcessor.fromConfig({ reduce_labels: true, do_center_crop: false, size: 4, feature_extractor_type: 'BeitFeatureExtractor' });
    expect(p.doReduceLabels).toBe(true);
    const image = { data: new Uint8Array(6 * 5 * 3).fill(255), width: 6, height: 5 };
    expect([...p.preprocessRgb(image).shape]).toEqual([1, 3, 4, 4]);
    expect(() => BeitImageProcessor.fromConfig({ image_processor_type: 'ViTImageProcessor' })).toThrow(/BeitImageProcessor cannot load/);
  });
});
