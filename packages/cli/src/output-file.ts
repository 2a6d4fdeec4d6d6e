import { writeFile } from 'node:fs/promises';

/** An error writing `file`, as one line naming it (not Node's "ENOENT: …, open '<abs path>'"). */
export function writeError(file: string, e: unknown): Error {
  const code = (e as { code?: unknown }).code;
  const why = code === 'ENOENT' ? 'its folder does not exist' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : e instanceof Error ? e.message : String(e);
  return new Error(`cannot write ${file}: ${why}`, { cause: e });
}

export async function writeOutput(file: string, bytes: Uint8Array): Promise<void> {
  await writeFile(file, bytes).catch((e: unknown) => {
    throw writeError(file, e);
  });
}
