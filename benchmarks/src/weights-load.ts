/**
 * Benchmark: loading a ViT-B/16-sized checkpoint through @purevit/weights.
 *
 * Writes a ViTForImageClassification-shaped F32 safetensors file (86.6M parameters, ~346 MB) with
 * deterministic values to a temporary folder, then, in a fresh child process per mode, measures the
 * time to open it (header only) and to read every tensor (kept alive, as a model keeps its
 * weights), and the process's peak RSS compared with the file size. Prints JSON.
 *
 *   npx tsc -b benchmarks && node benchmarks/dist/weights-load.js
 *
 * Modes: "file" reads tensors by positional reads from the file (the default path of openRepo on
 * Node) and keeps them; "file-discard" reads each tensor and drops it (a converter or a checksum
 * pass: memory stays at one tensor); "memory" reads the whole file into one buffer first and takes
 * zero-copy views.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesSource, loadWeights, SafetensorsFile, weightMapFromSafetensors, type TensorInput, type WeightMap } from '@purevit/weights';
import { openRepo, readBytes, writeSafetensorsFile } from '@purevit/weights/platform';

const HIDDEN = 768;
const LAYERS = 12;
const MLP = 3072;
const PATCH = 16;
const TOKENS = (224 / PATCH) ** 2 + 1;
const CLASSES = 1000;

/** Tensor names and shapes of transformers' ViTForImageClassification (google/vit-base-patch16-224). */
function vitBaseShapes(): [string, number[]][] {
  const shapes: [string, number[]][] = [
    ['vit.embeddings.cls_token', [1, 1, HIDDEN]],
    ['vit.embeddings.position_embeddings', [1, TOKENS, HIDDEN]],
    ['vit.embeddings.patch_embeddings.projection.weight', [HIDDEN, 3, PATCH, PATCH]],
    ['vit.embeddings.patch_embeddings.projection.bias', [HIDDEN]],
  ];
  for (let l = 0; l < LAYERS; l++) {
    const p = `vit.encoder.layer.${l}`;
    for (const m of ['query', 'key', 'value']) {
      shapes.push([`${p}.attention.attention.${m}.weight`, [HIDDEN, HIDDEN]], [`${p}.attention.attention.${m}.bias`, [HIDDEN]]);
    }
    shapes.push(
      [`${p}.attention.output.dense.weight`, [HIDDEN, HIDDEN]],
      [`${p}.attention.output.dense.bias`, [HIDDEN]],
      [`${p}.intermediate.dense.weight`, [MLP, HIDDEN]],
      [`${p}.intermediate.dense.bias`, [MLP]],
      [`${p}.output.dense.weight`, [HIDDEN, MLP]],
      [`${p}.output.dense.bias`, [HIDDEN]],
      [`${p}.layernorm_before.weight`, [HIDDEN]],
      [`${p}.layernorm_before.bias`, [HIDDEN]],
      [`${p}.layernorm_after.weight`, [HIDDEN]],
      [`${p}.layernorm_after.bias`, [HIDDEN]],
    );
  }
  shapes.push(['vit.layernorm.weight', [HIDDEN]], ['vit.layernorm.bias', [HIDDEN]], ['classifier.weight', [CLASSES, HIDDEN]], ['classifier.bias', [CLASSES]]);
  return shapes;
}

/** Deterministic values in [-0.05, 0.05) from a per-tensor xorshift32 stream. */
function fill(index: number, n: number): Float32Array {
  const out = new Float32Array(n);
  let s = (0x9e3779b9 ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296 - 0.5) * 0.1;
  }
  return out;
}

/** A checksum that depends on every value, to check what was read and keep it observable. */
function checksum(data: Float32Array): number {
  let a = 0;
  for (let i = 0; i < data.length; i += 1) a += data[i] * ((i % 7) + 1);
  return a;
}

interface ChildResult {
  mode: string;
  tensors: number;
  parameters: number;
  open_ms: number;
  read_all_ms: number;
  total_ms: number;
  rss_before_bytes: number;
  peak_rss_bytes: number;
  checksum: number;
}

async function child(mode: string, dir: string): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  let map: WeightMap;
  if (mode !== 'memory') {
    map = await loadWeights(await openRepo(dir));
  } else {
    map = weightMapFromSafetensors(await SafetensorsFile.open(bytesSource(await readBytes(join(dir, 'model.safetensors')))));
  }
  const t1 = performance.now();
  const kept: Float32Array[] = [];
  let tensors = 0;
  let parameters = 0;
  let sum = 0;
  for (const entry of map.values()) {
    const data = await entry.load();
    tensors++;
    parameters += data.length;
    if (mode === 'file-discard') sum += checksum(data);
    else kept.push(data);
  }
  const t2 = performance.now();
  const result: ChildResult = {
    mode,
    tensors,
    parameters,
    open_ms: t1 - t0,
    read_all_ms: t2 - t1,
    total_ms: t2 - t0,
    rss_before_bytes: rssBefore,
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    checksum: sum + kept.reduce((a, t) => a + checksum(t), 0),
  };
  process.stdout.write(JSON.stringify(result));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'purevit-bench-weights-'));
  try {
    const shapes = vitBaseShapes();
    const inputs: [string, TensorInput][] = shapes.map(([name, shape], i) => [
      name,
      { dtype: 'F32', shape, data: fill(i, shape.reduce((a, b) => a * b, 1)) },
    ]);
    const expectedChecksum = inputs.reduce((a, [, t]) => a + checksum(t.data as Float32Array), 0);
    const tw = performance.now();
    const fileBytes = await writeSafetensorsFile(join(dir, 'model.safetensors'), inputs, { format: 'pt' });
    const writeMs = performance.now() - tw;
    inputs.length = 0;

    const self = fileURLToPath(import.meta.url);
    const runs = ['file', 'file-discard', 'memory'].map((mode) => {
      const out = execFileSync(process.execPath, [self, '--child', mode, dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
      const r = JSON.parse(out) as ChildResult;
      if (Math.abs(r.checksum - expectedChecksum) > 1e-6 * Math.abs(expectedChecksum) + 1e-3) {
        throw new Error(`${mode}: checksum ${r.checksum} differs from the written ${expectedChecksum}`);
      }
      if (r.tensors !== shapes.length) throw new Error(`${mode}: read ${r.tensors} of ${shapes.length} tensors`);
      return {
        mode: r.mode,
        open_ms: round(r.open_ms),
        read_all_ms: round(r.read_all_ms),
        total_ms: round(r.total_ms),
        read_mb_per_s: round(fileBytes / 1e6 / (r.read_all_ms / 1000)),
        rss_before_mb: round(r.rss_before_bytes / 1e6),
        peak_rss_mb: round(r.peak_rss_bytes / 1e6),
        peak_rss_over_file: round(r.peak_rss_bytes / fileBytes),
        peak_rss_minus_start_over_file: round((r.peak_rss_bytes - r.rss_before_bytes) / fileBytes),
      };
    });
    console.log(
      JSON.stringify(
        {
          benchmark: 'weights-load',
          model: 'ViTForImageClassification (ViT-B/16 224, 1000 classes), F32',
          tensors: shapes.length,
          params_m: round(shapes.reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1), 0) / 1e6),
          file_mb: round(fileBytes / 1e6),
          write_ms: round(writeMs),
          node: process.version,
          runs,
        },
        null,
        2,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

const args = process.argv.slice(2);
if (args[0] === '--child') await child(args[1], args[2]);
else await main();
