/**
 * transformers' ViTForImageClassification built from TensorFlow.js ops (tf.matMul etc.) over the same
 * weights purevit loads. The patch embedding is a convolution whose kernel equals its stride, i.e. one
 * matMul over the image cut into patches (reshape + transpose), which the cpu and wasm backends both do
 * fast; everything else is op for op what transformers computes (erf GELU, LayerNorm over the last axis).
 */

import type { VitDims } from './vit-onnx.js';

/** The part of the @tensorflow/tfjs API used here (the package is an optional peer: typed locally). */
export interface TfTensor {
  readonly shape: number[];
  dataSync(): Float32Array;
  dispose(): void;
}

export interface Tf {
  tensor(values: Float32Array, shape: number[]): TfTensor;
  scalar(v: number): TfTensor;
  tidy<T extends TfTensor>(fn: () => T): T;
  matMul(a: TfTensor, b: TfTensor, transposeA?: boolean, transposeB?: boolean): TfTensor;
  add(a: TfTensor, b: TfTensor): TfTensor;
  sub(a: TfTensor, b: TfTensor): TfTensor;
  mul(a: TfTensor, b: TfTensor): TfTensor;
  div(a: TfTensor, b: TfTensor): TfTensor;
  erf(x: TfTensor): TfTensor;
  rsqrt(x: TfTensor): TfTensor;
  softmax(x: TfTensor, dim?: number): TfTensor;
  moments(x: TfTensor, axis: number, keepDims: boolean): { mean: TfTensor; variance: TfTensor };
  reshape(x: TfTensor, shape: number[]): TfTensor;
  transpose(x: TfTensor, perm: number[]): TfTensor;
  concat(xs: TfTensor[], axis: number): TfTensor;
  slice(x: TfTensor, begin: number[], size: number[]): TfTensor;
  tile(x: TfTensor, reps: number[]): TfTensor;
  unstack(x: TfTensor, axis: number): TfTensor[];
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
  ready(): Promise<void>;
  engine(): { startScope(): void; endScope(): void };
}

interface LayerWeights {
  ln1w: TfTensor; ln1b: TfTensor; ln2w: TfTensor; ln2b: TfTensor;
  qkvW: TfTensor; qkvB: TfTensor; projW: TfTensor; projB: TfTensor; fc1W: TfTensor; fc1B: TfTensor; fc2W: TfTensor; fc2B: TfTensor;
}

/** Weights as tf tensors, kept ([in, out] for matMul), and `forward(pixels, batch) → logits`. */
export class TfjsVit {
  private readonly layers: LayerWeights[] = [];
  private readonly patchW: TfTensor;
  private readonly patchB: TfTensor;
  private readonly cls: TfTensor;
  private readonly pos: TfTensor;
  private readonly lnW: TfTensor;
  private readonly lnB: TfTensor;
  private readonly headW: TfTensor;
  private readonly headB: TfTensor;
  private readonly consts: { eps: TfTensor; scale: TfTensor; sqrt2: TfTensor; one: TfTensor; half: TfTensor };

  constructor(private readonly tf: Tf, private readonly dims: VitDims, weight: (name: string) => Float32Array) {
    const { hidden: d, mlp: f, patch, classes } = dims;
    const vec = (name: string, n: number): TfTensor => tf.tensor(weight(name), [n]);
    // torch [out, in] → [in, out], by tf itself once
    const mat = (w: Float32Array, out: number, inF: number): TfTensor => tf.tidy(() => tf.transpose(tf.tensor(w, [out, inF]), [1, 0]));
    this.patchW = mat(weight('vit.embeddings.patch_embeddings.projection.weight'), d, 3 * patch * patch);
    this.patchB = vec('vit.embeddings.patch_embeddings.projection.bias', d);
    this.cls = tf.tensor(weight('vit.embeddings.cls_token'), [1, 1, d]);
    const grid = Math.floor(dims.imageSize / patch);
    this.pos = tf.tensor(weight('vit.embeddings.position_embeddings'), [1, grid * grid + 1, d]);
    for (let l = 0; l < dims.layers; l++) {
      const at = `vit.encoder.layer.${l}`;
      const wqkv = new Float32Array(3 * d * d);
      const bqkv = new Float32Array(3 * d);
      ['query', 'key', 'value'].forEach((m, i) => {
        wqkv.set(weight(`${at}.attention.attention.${m}.weight`), i * d * d);
        bqkv.set(weight(`${at}.attention.attention.${m}.bias`), i * d);
      });
      this.layers.push({
        ln1w: vec(`${at}.layernorm_before.weight`, d), ln1b: vec(`${at}.layernorm_before.bias`, d),
        ln2w: vec(`${at}.layernorm_after.weight`, d), ln2b: vec(`${at}.layernorm_after.bias`, d),
        qkvW: mat(wqkv, 3 * d, d), qkvB: tf.tensor(bqkv, [3 * d]),
        projW: mat(weight(`${at}.attention.output.dense.weight`), d, d), projB: vec(`${at}.attention.output.dense.bias`, d),
        fc1W: mat(weight(`${at}.intermediate.dense.weight`), f, d), fc1B: vec(`${at}.intermediate.dense.bias`, f),
        fc2W: mat(weight(`${at}.output.dense.weight`), d, f), fc2B: vec(`${at}.output.dense.bias`, d),
      });
    }
    this.lnW = vec('vit.layernorm.weight', d);
    this.lnB = vec('vit.layernorm.bias', d);
    this.headW = mat(weight('classifier.weight'), classes, d);
    this.headB = vec('classifier.bias', classes);
    this.consts = { eps: tf.scalar(dims.eps), scale: tf.scalar((d / dims.heads) ** -0.5), sqrt2: tf.scalar(Math.SQRT2), one: tf.scalar(1), half: tf.scalar(0.5) };
  }

  /** pixels [batch, 3, H, W] → logits [batch, classes] (copied out; every intermediate freed). */
  forward(pixels: Float32Array, batch: number): Float32Array {
    const tf = this.tf;
    const { hidden: d, heads, patch, imageSize } = this.dims;
    const g = Math.floor(imageSize / patch);
    const t = g * g + 1;
    const hd = d / heads;
    const c = this.consts;
    const layerNorm = (x: TfTensor, w: TfTensor, b: TfTensor): TfTensor => {
      const { mean, variance } = tf.moments(x, -1, true);
      return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, c.eps))), w), b);
    };
    const linear = (x: TfTensor, w: TfTensor, b: TfTensor): TfTensor => tf.add(tf.matMul(x, w), b);
    const logits = tf.tidy(() => {
      const image = tf.tensor(pixels, [batch, 3, g, patch, g, patch]);
      // patches [batch·g·g, 3·p·p] in (c, ky, kx) order, as the conv weight [d, 3, p, p] flattens
      const cut = tf.reshape(tf.transpose(image, [0, 2, 4, 1, 3, 5]), [batch * g * g, 3 * patch * patch]);
      const patches = tf.reshape(linear(cut, this.patchW, this.patchB), [batch, g * g, d]);
      let h = tf.reshape(tf.add(tf.concat([tf.tile(this.cls, [batch, 1, 1]), patches], 1), this.pos), [batch * t, d]);
      for (const L of this.layers) {
        const x = layerNorm(h, L.ln1w, L.ln1b);
        // [batch·t, 3d] → [3, batch·heads, t, hd]
        const qkv = tf.reshape(tf.transpose(tf.reshape(linear(x, L.qkvW, L.qkvB), [batch, t, 3, heads, hd]), [2, 0, 3, 1, 4]), [3, batch * heads, t, hd]);
        const [q, k, v] = tf.unstack(qkv, 0);
        const probs = tf.softmax(tf.mul(tf.matMul(q, k, false, true), c.scale), -1);
        const context = tf.reshape(tf.transpose(tf.reshape(tf.matMul(probs, v), [batch, heads, t, hd]), [0, 2, 1, 3]), [batch * t, d]);
        h = tf.add(h, linear(context, L.projW, L.projB));
        const m = linear(layerNorm(h, L.ln2w, L.ln2b), L.fc1W, L.fc1B);
        const gelu = tf.mul(tf.mul(m, tf.add(tf.erf(tf.div(m, c.sqrt2)), c.one)), c.half);
        h = tf.add(h, linear(gelu, L.fc2W, L.fc2B));
      }
      const normed = layerNorm(h, this.lnW, this.lnB);
      const cls = tf.reshape(tf.slice(tf.reshape(normed, [batch, t, d]), [0, 0, 0], [batch, 1, d]), [batch, d]);
      return linear(cls, this.headW, this.headB);
    });
    const out = logits.dataSync().slice();
    logits.dispose();
    return out;
  }
}
