import { describe, expect, it } from 'vitest';
import { checkBound, checkJsonDepth, CONFIG_BOUNDS, ConfigError, parseConfigJson } from '@purevit/weights';

describe('config bounds', () => {
  it('numbers outside their bound are ConfigErrors naming the field, the bound and the value', () => {
    expect(checkBound(768, 'width', 'hidden_size')).toBe(768);
    expect(() => checkBound(100_000_000, 'labels', 'num_labels')).toThrow(/^config field num_labels must be an integer in 0\.\.1000000 \(label count\), got 100000000$/);
    expect(() => checkBound(-1, 'eps', 'layer_norm_eps')).toThrow(/layer_norm_eps must be a number > 0 and <= 1 \(eps\), got -1/);
    expect(() => checkBound(0, 'eps', 'layer_norm_eps')).toThrow(ConfigError);
    expect(() => checkBound(1e-9, 'cropPct', 'crop_pct')).not.toThrow();
    expect(() => checkBound('768', 'width', 'hidden_size')).toThrow(expect.objectContaining({ code: 'invalid_type', field: 'hidden_size' }));
    expect(() => checkBound(2.5, 'layers', 'depth')).toThrow(expect.objectContaining({ code: 'invalid_type' }));
    expect(() => checkBound(30_000, 'imageSide', 'size.height')).toThrow(expect.objectContaining({ code: 'out_of_range' }));
    for (const bound of Object.values(CONFIG_BOUNDS)) expect(bound.max).toBeGreaterThan(bound.min);
  });

  it('nesting: a million levels are refused without touching the stack; JSON text errors name the file', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(() => checkJsonDepth(deep, 'config.json')).toThrow(/^config\.json nests deeper than 32 levels$/);
    expect(() => checkJsonDepth({ a: { b: [1, { c: 2 }] } }, 'x')).not.toThrow();
    expect(() => parseConfigJson('[['.repeat(5000), 'org/x/config.json')).toThrow(/^org\/x\/config\.json is not valid JSON/);
    expect(() => parseConfigJson('['.repeat(5000) + ']'.repeat(5000), 'org/x/config.json')).toThrow(expect.objectContaining({ code: 'too_deep' }));
  });
});
