import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH, resolveModelSource } from '../src/model-source.js';

describe('resolveModelSource', () => {
  const base = 'http://127.0.0.1:5173/demo/index.html?isolation=off';
  it('defaults to the bundled model next to the page', () => {
    expect(resolveModelSource('', base)).toBe('http://127.0.0.1:5173/demo/models/fashion-vit-tiny/');
    expect(resolveModelSource('  ', base)).toBe(new URL(DEFAULT_MODEL_PATH, base).href);
  });
  it('keeps URLs, resolves server paths, passes hub ids through', () => {
    expect(resolveModelSource('https://example.org/m/', base)).toBe('https://example.org/m/');
    expect(resolveModelSource('/models/fashion-vit-tiny-timm', base)).toBe('http://127.0.0.1:5173/models/fashion-vit-tiny-timm');
    expect(resolveModelSource('./models/x/', base)).toBe('http://127.0.0.1:5173/demo/models/x/');
    expect(resolveModelSource(' google/vit-base-patch16-224 ', base)).toBe('google/vit-base-patch16-224');
  });
});
