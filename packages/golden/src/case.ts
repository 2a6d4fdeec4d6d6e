/**
 * Fixture discovery and the case.json format of golden/README.md section 2. Any directory laid out
 * that way works: every folder with a `case.json`, plus the multi-case files `kernels.json` (kind
 * "kernel") and `images.json` (kind "image") that carry a top-level `kind`.
 */

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Output field → tensor name, or the names of a tuple output's items (`hidden_states`, `attentions`). */
export type OutputSpec = Record<string, string | string[]>;

/** The fields every case file has; kind-specific runners read the rest from `json`. */
export interface CaseJson {
  kind: string;
  class?: string;
  model_dir?: string | null;
  model_init_kwargs?: Record<string, unknown>;
  forward_kwargs?: Record<string, unknown>;
  inputs?: Record<string, string | string[]>;
  outputs?: OutputSpec;
  fp32_error?: Record<string, number>;
  expected_max_abs?: Record<string, number>;
  weights_dtype?: string;
  notes?: string;
  [key: string]: unknown;
}

export interface GoldenCase {
  /** Path of the case folder relative to the root given to the runner ('.' for the root itself). */
  name: string;
  kind: string;
  /** Absolute folder holding the case file. */
  dir: string;
  /** The case file (case.json, kernels.json or images.json). */
  file: string;
  json: CaseJson;
}

const CASE_FILES = ['case.json', 'kernels.json', 'images.json'];

/** Finds every case under `root`, sorted by name; unreadable or kind-less case files are errors. */
export async function discoverCases(root: string): Promise<GoldenCase[]> {
  const absRoot = path.resolve(root);
  const found: GoldenCase[] = [];
  await walk(absRoot, absRoot, found);
  found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return found;
}

async function walk(root: string, dir: string, found: GoldenCase[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || !CASE_FILES.includes(entry.name)) continue;
    const file = path.join(dir, entry.name);
    const json = await readCaseFile(file);
    if (json === null) continue;
    const rel = path.relative(root, dir) || '.';
    found.push({ name: rel.split(path.sep).join('/'), kind: json.kind, dir, file, json });
  }
  for (const entry of entries) {
    // A checkpoint folder (`model/`) holds config.json, never a case file; descending is cheap.
    if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') {
      await walk(root, path.join(dir, entry.name), found);
    }
  }
}

/** Parses a case file; `null` for an images.json/kernels.json that is plain data without a `kind`. */
async function readCaseFile(file: string): Promise<CaseJson | null> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read case file ${file}: ${(err as Error).message}`);
  }
  const kind = typeof json === 'object' && json !== null ? (json as { kind?: unknown }).kind : undefined;
  if (typeof kind !== 'string') {
    if (path.basename(file) === 'case.json') throw new Error(`case file ${file} has no "kind" field`);
    return null;
  }
  return json as CaseJson;
}
