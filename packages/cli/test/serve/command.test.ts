import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers.js';

describe('purevit serve: its own errors', () => {
  it('usage errors exit 2 before anything listens', async () => {
    for (const [argv, message] of [
      [['serve', '--task', 'segmentation'], '--task must be image-classification or image-feature-extraction, got "segmentation"'],
      [['serve', '--port', '70000'], '--port must be at most 65535, got 70000'],
      [['serve', '--port', '-1'], '--port needs a value <port>'],
      [['serve', '--max-batch', '0'], '--max-batch must be a positive integer, got "0"'],
      [['serve', 'model-folder'], 'serve takes no arguments, got model-folder'],
    ] as const) {
      const { code, stderr } = await cli([...argv]);
      expect(code).toBe(2);
      expect(stderr.split('\n')[0]).toBe(`purevit: ${message}`);
    }
  });

  it('a model that cannot be loaded: the server stops and exits 1 naming the problem', async () => {
    const missing = join('/nonexistent', 'model');
    const { code, stderr } = await cli(['serve', '--model', missing, '--port', '0']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^purevit serve: listening on http:\/\/127\.0\.0\.1:\d+, loading \/nonexistent\/model \(image-classification\)\n/);
    expect(stderr.trimEnd().split('\n').pop()).toBe(`purevit: ${missing} is not a folder`);
  });
});
