/** The real `purevit serve` (the built bin, see test-utils/build-cli.ts) in a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from '../helpers.js';

export const BIN = `${ROOT}packages/cli/bin/purevit.js`;

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Everything the server wrote to stderr so far. */
  log(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts `purevit serve --port 0 <args>` and resolves once it reports the model ready. */
export function spawnServe(args: readonly string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`purevit serve did not get ready in 30 s:\n${stderr}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const ready = /ready: model \S+ at (http:\/\/[^/\s]+)/.exec(stderr);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, url: ready[1], log: () => stderr, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`purevit serve exited with ${code} before it was ready:\n${stderr}`));
    });
  });
}

/** The server's resident memory, as its /metrics reports it. */
export async function serverRss(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^process_resident_memory_bytes (\d+)/m.exec(text)![1]);
}
