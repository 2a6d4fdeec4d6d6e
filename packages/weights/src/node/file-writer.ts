/**
 * Writes a safetensors file tensor by tensor (never the whole file in memory), into a temporary
 * file renamed into place at the end, so readers never see a half-written checkpoint.
 */

import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { planSafetensors, tensorBytes, type TensorInputs } from '../safetensors/writer.js';

export async function writeSafetensorsFile(path: string, tensors: TensorInputs, metadata?: Readonly<Record<string, string>>): Promise<number> {
  const plan = planSafetensors(tensors, metadata);
  const temp = `${path}.${randomBytes(6).toString('hex')}.incomplete`;
  const handle = await open(temp, 'wx');
  try {
    await writeAll(handle, plan.prefix);
    for (const t of plan.tensors) await writeAll(handle, tensorBytes(t.input));
    await handle.close();
    await rename(temp, path);
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw e;
  }
  return plan.size;
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, done, Math.min(bytes.byteLength - done, 0x40000000));
    done += bytesWritten;
  }
}
