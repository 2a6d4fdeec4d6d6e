/**
 * An append-only JSON Lines file that survives being killed at any point. Each batch of records is
 * one write of whole lines, flushed to disk before the job moves on. A kill mid-write can leave only
 * a last line without its newline: reopening for resume cuts the file back to its last complete
 * line, so that record is simply redone. Every complete line must parse, or the file is refused.
 */

import { createReadStream } from 'node:fs';
import { open, stat, truncate, type FileHandle } from 'node:fs/promises';

export class JsonlFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /**
   * Opens `path` for appending. `resume` false: the file must be missing or empty. `resume` true:
   * the complete records already there are passed to `onRecord` (in order) after the cut.
   */
  static async open(path: string, resume: boolean, onRecord: (record: unknown) => void): Promise<JsonlFile> {
    const info = await stat(path).catch(() => null);
    if (info && !info.isFile()) throw new Error(`${path} is not a file`);
    if (info && info.size > 0) {
      if (!resume) throw new Error(`${path} already exists: add --resume to continue the job it holds, or remove it`);
      const complete = await readRecords(path, onRecord);
      if (complete < info.size) await truncate(path, complete);
    }
    return new JsonlFile(path, await open(path, 'a'));
  }

  /** Appends the records as lines in one write and flushes them to disk. */
  async append(records: readonly unknown[]): Promise<void> {
    if (records.length === 0) return;
    const bytes = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    let done = 0;
    while (done < bytes.length) done += (await this.handle.write(bytes, done, bytes.length - done)).bytesWritten;
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Reads every complete line; returns the byte length of the complete part. */
async function readRecords(path: string, onRecord: (record: unknown) => void): Promise<number> {
  let pending: Buffer = Buffer.alloc(0);
  let offset = 0; // bytes of complete lines so far
  let line = 0;
  for await (const chunk of createReadStream(path)) {
    let data = Buffer.concat([pending, chunk as Buffer]);
    let nl: number;
    while ((nl = data.indexOf(0x0a)) >= 0) {
      line++;
      const text = data.subarray(0, nl).toString('utf8');
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch {
        throw new Error(`${path}: line ${line} is not JSON; not a file this command wrote (remove it or choose another output)`);
      }
      onRecord(record);
      offset += nl + 1;
      data = data.subarray(nl + 1);
    }
    pending = data;
  }
  return offset;
}
