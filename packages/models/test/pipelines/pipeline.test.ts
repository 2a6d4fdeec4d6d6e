import { readFile } from 'node:fs/promises';
import { mkdtemp, rm, writeFile, mkdir, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '@purevit/image';
import { DEFAULT_MODEL, PIPELINE_TASKS, pipeline } from '@purevit/models';
import { MODEL, ROOT, samplePath, samples } from './fixtures.js';

const dir = await mkdtemp(join(tmpdir(), 'purevit-pipeline-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('pipeline()', () => {
  it('knows three tasks and names them when given another', async () => {
    expect(PIPELINE_TASKS).toEqual(['image-classification', 'image-feature-extraction', 'attention-map']);
    await expect(pipeline('object-detection' as never)).rejects.toThrow(
      'unknown pipeline task "object-detection"; available: image-classification, image-feature-extraction, attention-map',
    );
  });

  it('defaults to the bundled fashion-vit-tiny, from its own package (@purevit/fashion-vit-tiny), not the repository\'s layout', async () => {
    expect(DEFAULT_MODEL.protocol).toBe('file:');
    expect(DEFAULT_MODEL.href).toBe(pathToFileURL(`${ROOT}packages/fashion-vit-tiny/model/`).href);
    const classify = await pipeline('image-classification');
    expect(classify.task).toBe('image-classification');
    expect(classify.model.config.modelType).toBe('vit');
    expect(classify.model.config.numLabels).toBe(10);
    // The same numbers as the repository's copy (models/fashion-vit-tiny), which the goldens check against PyTorch.
    const fromFolder = await pipeline('image-classification', MODEL);
    const path = samplePath((await samples())[0]);
    expect(await classify(path, { topK: 10 })).toEqual(await fromFolder(path, { topK: 10 }));
  });

  it('takes paths, file: URLs, bytes (Buffer, Uint8Array, ArrayBuffer), Blobs and decoded pixels alike', async () => {
    const path = samplePath((await samples())[0]);
    const bytes = await readFile(path);
    const rgb = decodeImage(bytes);
    const grey = { data: Uint8Array.from({ length: 28 * 28 }, (_, i) => rgb.data[i * 3]), width: 28, height: 28 };
    const inputs = [path, pathToFileURL(path).href, bytes, new Uint8Array(bytes), bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), new Blob([bytes]), rgb, grey];
    const classify = await pipeline('image-classification', MODEL, { batchSize: 3 });
    const results = await classify(inputs);
    expect(results).toHaveLength(inputs.length);
    for (const r of results) expect(r).toEqual(results[0]);
    expect(results[0][0].label).toBe('Ankle boot');
  });

  it('loads a model folder given as a file: URL', async () => {
    const classify = await pipeline('image-classification', pathToFileURL(`${MODEL}/`));
    expect((await classify(samplePath((await samples())[1])))[0].label).toBe('Pullover');
  });

  it('a folder without preprocessor_config.json is refused, as AutoImageProcessor refuses it', async () => {
    const model = join(dir, 'no-preprocessor');
    await mkdir(model);
    for (const f of ['config.json', 'model.safetensors']) await copyFile(join(MODEL, f), join(model, f));
    await expect(pipeline('image-classification', model)).rejects.toThrow(`${model}: no preprocessor_config.json`);
  });

  it('bad model folders and unreadable images fail with messages naming the problem', async () => {
    await expect(pipeline('image-classification', join(dir, 'missing'))).rejects.toThrow(`${join(dir, 'missing')} is not a folder`);
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await expect(pipeline('image-classification', empty)).rejects.toThrow(`${empty} has no config.json`);
    const unknown = join(dir, 'unknown-type');
    await mkdir(unknown);
    await writeFile(join(unknown, 'config.json'), JSON.stringify({ model_type: 'swin' }));
    await expect(pipeline('image-feature-extraction', unknown)).rejects.toThrow('unsupported model_type "swin"');
    const classify = await pipeline('image-classification');
    await expect(classify(join(dir, 'nope.png'))).rejects.toThrow(/ENOENT/);
    await writeFile(join(dir, 'corrupt.png'), 'not an image');
    await expect(classify(join(dir, 'corrupt.png'))).rejects.toThrow(`${join(dir, 'corrupt.png')}: cannot identify image file`);
    await expect(classify([samplePath((await samples())[0]), new Uint8Array([1, 2, 3])])).rejects.toThrow(/^image 1: /);
  });
});
