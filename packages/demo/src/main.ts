/**
 * The demo page: load a model (the bundled one by default), take an image from the file picker, a
 * drop or a sample button, and show the top-5 labels and where the model looked.
 */

import { heatMapOverlay, type AttentionMethod } from '@purevit/models';
import { drawRgb } from './draw.js';
import { DemoEngine, type Analysis } from './engine.js';
import { resolveModelSource } from './model-source.js';
import { createPageEngine, describeRuntime, runtimeInfo } from './runtime.js';
import { SAMPLES, sampleUrl } from './samples.js';
import { installHook } from './test-hook.js';

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`demo page: #${id} is missing`);
  return el;
}

const ui = {
  modelForm: element('model-form', HTMLFormElement),
  modelInput: element('model-input', HTMLInputElement),
  modelStatus: element('model-status', HTMLParagraphElement),
  runtimeStatus: element('runtime-status', HTMLParagraphElement),
  dropZone: element('drop-zone', HTMLLabelElement),
  fileInput: element('file-input', HTMLInputElement),
  samples: element('samples', HTMLDivElement),
  result: element('result', HTMLElement),
  resultName: element('result-name', HTMLSpanElement),
  inputView: element('input-view', HTMLCanvasElement),
  inputSize: element('input-size', HTMLSpanElement),
  heatFigure: element('heat-figure', HTMLElement),
  heatView: element('heat-view', HTMLCanvasElement),
  method: element('attention-method', HTMLSelectElement),
  topLabels: element('top-labels', HTMLOListElement),
  timing: element('timing', HTMLParagraphElement),
  error: element('error', HTMLParagraphElement),
};

// One compute engine for the page (the worker pool starts once); models load onto it.
const compute = createPageEngine(location.search);
let engine: Promise<DemoEngine>;
let lastLoad: Promise<DemoEngine> | null = null;
let shown: { analysis: Analysis; engine: DemoEngine } | null = null;

function showError(error: unknown): void {
  ui.error.textContent = error instanceof Error ? error.message : String(error);
  ui.error.hidden = false;
}

const ms = (t: number): string => `${t < 10 ? t.toFixed(1) : Math.round(t)} ms`;

function loadModel(input: string): Promise<DemoEngine> {
  const source = resolveModelSource(input, document.baseURI);
  ui.modelStatus.textContent = `Loading ${source}…`;
  ui.error.hidden = true;
  const start = performance.now();
  const previous = lastLoad;
  const loading = compute.then(async (c) => {
    const loaded = await DemoEngine.load(source, c);
    // The model it replaces frees its weights (a page without cross-origin isolation has a fixed-size heap per model).
    await previous?.then((p) => p.dispose(), () => undefined);
    return loaded;
  });
  lastLoad = loading;
  loading.then(
    (e) => {
      const config = e.model.config;
      const attention = e.supportsAttention ? '' : ' (no attention maps for this model type)';
      ui.modelStatus.textContent = `${source}: ${config.modelType}, ${config.numLabels} labels, loaded in ${ms(performance.now() - start)}${attention}`;
    },
    (error: unknown) => {
      ui.modelStatus.textContent = `Could not load ${source}.`;
      showError(error);
    },
  );
  return loading;
}

function renderHeatMap(): void {
  if (!shown) return;
  const map = shown.engine.attentionMap(shown.analysis, ui.method.value as AttentionMethod);
  ui.heatFigure.hidden = map === null;
  if (map) drawRgb(ui.heatView, heatMapOverlay(shown.analysis.image, map.values, map.grid));
}

function render(analysis: Analysis, e: DemoEngine, name: string): void {
  shown = { analysis, engine: e };
  ui.result.hidden = false;
  ui.resultName.textContent = name;
  drawRgb(ui.inputView, analysis.image);
  ui.inputSize.textContent = `(${analysis.image.width}×${analysis.image.height})`;
  ui.topLabels.replaceChildren(
    ...analysis.top.map(({ label, score }) => {
      const li = document.createElement('li');
      li.dataset.label = label;
      li.dataset.score = String(score);
      const row = document.createElement('div');
      row.className = 'label-row';
      const name = document.createElement('span');
      name.className = 'label';
      name.textContent = label;
      const value = document.createElement('span');
      value.className = 'score';
      value.textContent = score.toFixed(4);
      row.append(name, value);
      const bar = document.createElement('div');
      bar.className = 'bar';
      const fill = document.createElement('span');
      fill.style.width = `${(Math.max(0, Math.min(1, score)) * 100).toFixed(1)}%`;
      bar.append(fill);
      li.append(row, bar);
      return li;
    }),
  );
  renderHeatMap();
  const { decode, preprocess, forward } = analysis.timings;
  ui.timing.textContent = `model forward ${ms(forward)} · decode ${ms(decode)} · preprocess ${ms(preprocess)} · ${describeRuntime(runtimeInfo(e.model.engine))}`;
}

async function classify(input: Uint8Array | Blob, name: string): Promise<void> {
  ui.error.hidden = true;
  try {
    const e = await engine;
    render(await e.analyze(input), e, name);
  } catch (error) {
    showError(error);
  }
}

// Model: the field, or ?model= in the page URL, or the bundled model.
const requested = new URLSearchParams(location.search).get('model') ?? '';
ui.modelInput.value = requested;
engine = loadModel(requested);
ui.modelForm.addEventListener('submit', (event) => {
  event.preventDefault();
  engine = loadModel(ui.modelInput.value);
});
compute.then((c) => {
  ui.runtimeStatus.textContent = describeRuntime(runtimeInfo(c));
}, showError);

// Images: file picker, drag and drop, samples.
ui.fileInput.addEventListener('change', () => {
  const file = ui.fileInput.files?.[0];
  if (file) void classify(file, file.name);
  ui.fileInput.value = '';
});
ui.dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  ui.dropZone.classList.add('dragging');
});
ui.dropZone.addEventListener('dragleave', () => ui.dropZone.classList.remove('dragging'));
ui.dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  ui.dropZone.classList.remove('dragging');
  const file = event.dataTransfer?.files[0];
  if (file) void classify(file, file.name);
});
for (const sample of SAMPLES) {
  const url = sampleUrl(sample, document.baseURI);
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.sample = sample.file;
  button.title = `${sample.file} (true class: ${sample.label})`;
  const thumb = document.createElement('img');
  thumb.src = url;
  thumb.alt = '';
  button.append(thumb, sample.label);
  button.addEventListener('click', () => {
    void (async () => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      await classify(new Uint8Array(await response.arrayBuffer()), `${sample.file} (true class: ${sample.label})`);
    })().catch(showError);
  });
  ui.samples.append(button);
}
ui.method.addEventListener('change', renderHeatMap);

installHook(() => engine, () => compute);
