/**
 * transformers' ViTForImageClassification as an ONNX graph (opset 17), from the same weights purevit
 * loads: Conv patch embedding → Concat [CLS] → Add position embeddings → 12 × (LayerNormalization →
 * one fused q|k|v MatMul + Add → heads by Reshape/Transpose → MatMul, Mul scale, Softmax, MatMul →
 * projection + residual → LayerNormalization → MatMul + Add, GELU as x·½·(1 + erf(x/√2)) (opset 17 has
 * no Gelu op; onnxruntime fuses the pattern) → MatMul + Add + residual) → LayerNormalization → [CLS] →
 * classifier. Batch is symbolic ("batch").
 */

import type { OnnxGraph, OnnxNode } from './onnx-proto.js';

export interface VitDims {
  hidden: number;
  layers: number;
  heads: number;
  mlp: number;
  patch: number;
  imageSize: number;
  classes: number;
  eps: number;
}

/** torch [out, in] → [in, out] (what MatMul's right operand is). */
function transposed(w: Float32Array, out: number, inF: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let o = 0; o < out; o++) for (let i = 0; i < inF; i++) t[i * out + o] = w[o * inF + i];
  return t;
}

export function vitOnnxGraph(dims: VitDims, weight: (name: string) => Float32Array): OnnxGraph {
  const { hidden: d, heads, mlp: f, patch, imageSize, classes, eps } = dims;
  const headDim = d / heads;
  const grid = Math.floor(imageSize / patch);
  const tokens = grid * grid + 1;
  const nodes: OnnxNode[] = [];
  const initializers: OnnxGraph['initializers'][number][] = [];
  const init = (name: string, shape: number[], data: Float32Array | BigInt64Array): string => {
    initializers.push({ name, dims: shape, data });
    return name;
  };
  const ints = (name: string, values: number[]): string => init(name, [values.length], BigInt64Array.from(values.map(BigInt)));
  let counter = 0;
  const op = (type: string, inputs: string[], attributes?: OnnxNode['attributes']): string => {
    const out = `t${counter++}`;
    nodes.push({ op: type, inputs, outputs: [out], attributes });
    return out;
  };
  const scalar = (name: string, v: number): string => init(name, [], Float32Array.of(v));
  const linear = (x: string, prefix: string, out: number, inF: number): string =>
    op('Add', [op('MatMul', [x, init(`${prefix}.weight_t`, [inF, out], transposed(weight(`${prefix}.weight`), out, inF))]), init(`${prefix}.bias`, [out], weight(`${prefix}.bias`))]);
  const layerNorm = (x: string, prefix: string): string =>
    op('LayerNormalization', [x, init(`${prefix}.weight`, [d], weight(`${prefix}.weight`)), init(`${prefix}.bias`, [d], weight(`${prefix}.bias`))], { axis: -1, epsilon: { float: eps } });

  // Patch embedding: [batch, 3, H, W] → [batch, d, g, g] → [batch, g·g, d]
  const conv = op('Conv', ['pixel_values', init('patch.weight', [d, 3, patch, patch], weight('vit.embeddings.patch_embeddings.projection.weight')), init('patch.bias', [d], weight('vit.embeddings.patch_embeddings.projection.bias'))], {
    kernel_shape: { ints: [patch, patch] }, strides: { ints: [patch, patch] },
  });
  const patches = op('Transpose', [op('Reshape', [conv, ints('shape.patches', [0, d, -1])])], { perm: { ints: [0, 2, 1] } });
  // [CLS] expanded to the batch: Expand(cls [1,1,d], [batch, 1, d])
  const batch = op('Shape', ['pixel_values'], { start: 0, end: 1 });
  const clsShape = op('Concat', [batch, ints('shape.cls_tail', [1, d])], { axis: 0 });
  const cls = op('Expand', [init('cls_token', [1, 1, d], weight('vit.embeddings.cls_token')), clsShape]);
  let h = op('Add', [op('Concat', [cls, patches], { axis: 1 }), init('position_embeddings', [1, tokens, d], weight('vit.embeddings.position_embeddings'))]);

  const qkvShape = ints('shape.qkv', [0, 0, 3, heads, headDim]);
  const mergeShape = ints('shape.merge', [0, 0, d]);
  const scale = scalar('attn.scale', headDim ** -0.5);
  const sqrt2 = scalar('gelu.sqrt2', Math.SQRT2);
  const one = scalar('gelu.one', 1);
  const half = scalar('gelu.half', 0.5);
  const index = [0, 1, 2].map((i) => init(`index.${i}`, [], BigInt64Array.of(BigInt(i))));
  for (let l = 0; l < dims.layers; l++) {
    const at = `vit.encoder.layer.${l}`;
    const x = layerNorm(h, `${at}.layernorm_before`);
    // q | k | v fused: weight [3d, d] (rows q, then k, then v), bias [3d]
    const wq = weight(`${at}.attention.attention.query.weight`), wk = weight(`${at}.attention.attention.key.weight`), wv = weight(`${at}.attention.attention.value.weight`);
    const wqkv = new Float32Array(3 * d * d);
    wqkv.set(wq, 0);
    wqkv.set(wk, d * d);
    wqkv.set(wv, 2 * d * d);
    const bqkv = new Float32Array(3 * d);
    bqkv.set(weight(`${at}.attention.attention.query.bias`), 0);
    bqkv.set(weight(`${at}.attention.attention.key.bias`), d);
    bqkv.set(weight(`${at}.attention.attention.value.bias`), 2 * d);
    const qkv = op('Add', [op('MatMul', [x, init(`${at}.qkv.weight_t`, [d, 3 * d], transposed(wqkv, 3 * d, d))]), init(`${at}.qkv.bias`, [3 * d], bqkv)]);
    // [batch, T, 3, heads, hd] → [3, batch, heads, T, hd]
    const split = op('Transpose', [op('Reshape', [qkv, qkvShape])], { perm: { ints: [2, 0, 3, 1, 4] } });
    const [q, k, v] = index.map((i) => op('Gather', [split, i], { axis: 0 }));
    const scores = op('Mul', [op('MatMul', [q, op('Transpose', [k], { perm: { ints: [0, 1, 3, 2] } })]), scale]);
    const probs = op('Softmax', [scores], { axis: -1 });
    const context = op('Reshape', [op('Transpose', [op('MatMul', [probs, v])], { perm: { ints: [0, 2, 1, 3] } }), mergeShape]);
    h = op('Add', [h, linear(context, `${at}.attention.output.dense`, d, d)]);
    const y = layerNorm(h, `${at}.layernorm_after`);
    const m = linear(y, `${at}.intermediate.dense`, f, d);
    const gelu = op('Mul', [op('Mul', [m, op('Add', [op('Erf', [op('Div', [m, sqrt2])]), one])]), half]);
    h = op('Add', [h, linear(gelu, `${at}.output.dense`, d, f)]);
  }
  const normed = layerNorm(h, 'vit.layernorm');
  const clsOut = op('Gather', [normed, index[0]], { axis: 1 });
  const logits = linear(clsOut, 'classifier', classes, d);
  nodes.push({ op: 'Identity', inputs: [logits], outputs: ['logits'] });
  return {
    name: 'vit',
    nodes,
    initializers,
    inputs: [{ name: 'pixel_values', dims: ['batch', 3, imageSize, imageSize] }],
    outputs: [{ name: 'logits', dims: ['batch', classes] }],
  };
}
