import { describe, expect, it } from 'vitest';
import { createProgress, formatBytes } from '../src/progress.js';
import { SAMPLE, SAMPLE2, SAMPLE3, cli } from './helpers.js';

function terminal(): { stream: { write: (s: string) => void; isTTY: boolean; columns: number }; text: () => string } {
  let text = '';
  return { stream: { write: (s: string) => void (text += s), isTTY: true, columns: 80 }, text: () => text };
}

describe('progress bars', () => {
  it('are drawn on stderr when it is a terminal, redrawn in place, and cleared before the output', async () => {
    const { code, stdout, stderr } = await cli(['classify', SAMPLE, SAMPLE2, SAMPLE3, '--batch-size', '1', '--json'], { tty: true });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveLength(3); // stdout stays clean
    expect(stderr).toContain('\r\x1b[Kclassifying [########################] 3/3');
    expect(stderr.endsWith('\r\x1b[K')).toBe(true);
  });

  it('are off when stderr is not a terminal, and with --quiet / -q', async () => {
    expect((await cli(['classify', SAMPLE, SAMPLE2, '--batch-size', '1'])).stderr).toBe('');
    expect((await cli(['classify', SAMPLE, SAMPLE2, '--batch-size', '1', '--quiet'], { tty: true })).stderr).toBe('');
    expect((await cli(['embed', SAMPLE, SAMPLE2, '--batch-size', '1', '-q'], { tty: true })).stderr).toBe('');
  });

  it('an error clears the bar before its one-line message', async () => {
    const { code, stderr } = await cli(['classify', SAMPLE, 'nope.png'], { tty: true });
    expect(code).toBe(1);
    expect(stderr).toBe('purevit: nope.png: no such file\n');
  });

  it('downloads show the file, a bar and bytes, at most every 100 ms except the last update', () => {
    let now = 0;
    const t = terminal();
    const progress = createProgress(t.stream, false, () => now);
    const onDownload = progress.download();
    onDownload({ file: 'model.safetensors', loaded: 0, total: 4 * 1024 * 1024 });
    now = 50;
    onDownload({ file: 'model.safetensors', loaded: 1024 * 1024, total: 4 * 1024 * 1024 }); // throttled
    now = 150;
    onDownload({ file: 'model.safetensors', loaded: 2 * 1024 * 1024, total: 4 * 1024 * 1024 });
    now = 160;
    onDownload({ file: 'model.safetensors', loaded: 4 * 1024 * 1024, total: 4 * 1024 * 1024 }); // final: always drawn
    onDownload({ file: 'config.json', loaded: 700, total: undefined });
    progress.clear();
    expect(t.text().split('\r\x1b[K').filter(Boolean)).toEqual([
      'downloading model.safetensors [........................] 0 B/4.0 MiB',
      'downloading model.safetensors [############............] 2.0 MiB/4.0 MiB',
      'downloading model.safetensors [########################] 4.0 MiB/4.0 MiB',
    ]);
    expect(t.text().endsWith('\r\x1b[K')).toBe(true);
  });

  it('lines are cut to the terminal width; nothing is drawn when quiet', () => {
    const t = terminal();
    createProgress({ ...t.stream, columns: 20 }, false).items('a very long label indeed')(1, 2);
    expect(t.text()).toBe('\r\x1b[Ka very long label i');
    const q = terminal();
    const quiet = createProgress(q.stream, true);
    quiet.items('x')(1, 1);
    quiet.download()({ file: 'f', loaded: 1, total: 1 });
    quiet.clear();
    expect(q.text()).toBe('');
  });

  it('formats byte counts', () => {
    expect([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(10 * 1024 * 1024), formatBytes(3 * 1024 ** 3)]).toEqual(['0 B', '1023 B', '1.5 KiB', '10 MiB', '3.0 GiB']);
  });
});
