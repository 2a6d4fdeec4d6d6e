/**
 * The Open Inference Protocol (KServe v2 / Triton HTTP): server and model metadata, and inference
 * with either BYTES input (encoded PNG/JPEG images: base64 strings in JSON, raw bytes with the
 * binary tensor data extension) or FP32 input (pixel values [n, 3, H, W], preprocessed as the
 * model's processor does). Outputs of an image-classification model: "labels" BYTES [n, k] and
 * "scores" FP32 [n, k] (top k by score, request parameter "top_k", default 5) and "logits" FP32
 * [n, labels]; of a feature-extraction model: "features" FP32 [n, hidden] and "last_hidden_state"
 * FP32 [n, tokens, hidden]. Without "outputs" in the request every output is returned (the spec).
 */

import type { IncomingMessage } from 'node:http';
import { Tensor } from '@purevit/core';
import type { ClassificationFunction } from '@purevit/models';
import { VERSION } from '../version.js';
import { HttpError, badRequest } from './http-error.js';
import type { InferContext } from './infer-context.js';
import type { BatchOutputs, ModelRunner, OutputsWanted } from './model-runner.js';
import { binaryElements, binaryFp32, elementCount, encodeBinary, jsonFp32, jsonStrings } from './oip-tensors.js';
import { json, type Reply } from './reply.js';
import { decodeBase64Image, decodeRequestImage } from './request-image.js';

export const MODEL_VERSION = '1';
export const BINARY_HEADER = 'inference-header-content-length';

interface TensorMetadata {
  name: string;
  datatype: 'BYTES' | 'FP32';
  shape: number[];
}

type OutputName = 'labels' | 'scores' | 'logits' | 'features' | 'last_hidden_state';

function outputMetadata(runner: ModelRunner): (TensorMetadata & { name: OutputName })[] {
  const { shapes } = runner;
  if (runner.task === 'image-classification') {
    return [
      { name: 'labels', datatype: 'BYTES', shape: [-1, -1] },
      { name: 'scores', datatype: 'FP32', shape: [-1, -1] },
      { name: 'logits', datatype: 'FP32', shape: [-1, ...(shapes.logits ?? [])] },
    ];
  }
  return [
    { name: 'features', datatype: 'FP32', shape: [-1, ...shapes.pooled] },
    { name: 'last_hidden_state', datatype: 'FP32', shape: [-1, ...shapes.tokens] },
  ];
}

export function serverMetadata(): Reply {
  return json({ name: 'purevit', version: VERSION, extensions: ['binary_tensor_data'] });
}

export function modelMetadata(name: string, runner: ModelRunner): Reply {
  return json({
    name,
    versions: [MODEL_VERSION],
    platform: 'purevit_safetensors',
    inputs: [
      { name: 'image', datatype: 'BYTES', shape: [-1] },
      { name: 'pixel_values', datatype: 'FP32', shape: [-1, ...runner.shapes.pixels] },
    ],
    outputs: outputMetadata(runner),
  });
}

interface RequestInput {
  name: string;
  shape: number[];
  datatype: string;
  parameters?: Record<string, unknown>;
  data?: unknown;
}

interface RequestOutput {
  name: string;
  parameters?: Record<string, unknown>;
}

interface InferRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: RequestInput[];
  outputs?: RequestOutput[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function checkParameters(value: unknown, what: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw badRequest(`${what} must be an object`);
  for (const [k, v] of Object.entries(value)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) throw badRequest(`${what}.${k} must be a string, number or boolean`);
  }
  return value;
}

/** The JSON part of the body: all of it, or its first Inference-Header-Content-Length bytes. */
function splitBody(req: IncomingMessage, body: Buffer): { header: Buffer; binary: Buffer } {
  const raw = req.headers[BINARY_HEADER];
  if (raw === undefined) return { header: body, binary: body.subarray(body.length) };
  const length = /^\d+$/.test(String(raw)) ? Number(raw) : NaN;
  if (!(length <= body.length)) throw badRequest(`Inference-Header-Content-Length ${JSON.stringify(raw)} is not a length within the ${body.length}-byte body`);
  return { header: body.subarray(0, length), binary: body.subarray(length) };
}

function parseRequest(header: Buffer): InferRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(header.toString('utf8'));
  } catch (e) {
    throw badRequest(`the body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(parsed)) throw badRequest('the inference request must be a JSON object {"inputs": [...]}');
  if (parsed.id !== undefined && typeof parsed.id !== 'string') throw badRequest('"id" must be a string');
  checkParameters(parsed.parameters, '"parameters"');
  if (!Array.isArray(parsed.inputs) || parsed.inputs.length === 0) throw badRequest('"inputs" must be a non-empty array of tensors');
  parsed.inputs.forEach((input: unknown, i: number) => {
    const what = `inputs[${i}]`;
    if (!isObject(input)) throw badRequest(`${what} must be an object {"name", "shape", "datatype", "data"}`);
    if (typeof input.name !== 'string') throw badRequest(`${what}.name must be a string`);
    if (typeof input.datatype !== 'string') throw badRequest(`${what}.datatype must be a string`);
    if (!Array.isArray(input.shape) || !input.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      throw badRequest(`${what}.shape must be an array of non-negative integers`);
    }
    checkParameters(input.parameters, `${what}.parameters`);
  });
  if (parsed.outputs !== undefined) {
    if (!Array.isArray(parsed.outputs)) throw badRequest('"outputs" must be an array');
    parsed.outputs.forEach((output: unknown, i: number) => {
      if (!isObject(output) || typeof output.name !== 'string') throw badRequest(`outputs[${i}] must be an object with a string "name"`);
      checkParameters(output.parameters, `outputs[${i}].parameters`);
    });
  }
  return parsed as unknown as InferRequest;
}

/** Binary data of each input that declares binary_data_size, in input order. */
function binarySections(inputs: readonly RequestInput[], binary: Buffer): (Uint8Array | undefined)[] {
  let offset = 0;
  const sections = inputs.map((input, i) => {
    const size = input.parameters?.binary_data_size;
    if (size === undefined) return undefined;
    if (!(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0)) throw badRequest(`inputs[${i}].parameters.binary_data_size must be a non-negative integer`);
    if (input.data !== undefined) throw badRequest(`inputs[${i}] has both "data" and binary_data_size`);
    if (offset + size > binary.length) throw badRequest(`inputs[${i}] declares ${size} bytes of binary data, only ${binary.length - offset} follow the JSON`);
    const section = new Uint8Array(binary.buffer, binary.byteOffset + offset, size);
    offset += size;
    return section;
  });
  if (offset !== binary.length) throw badRequest(`${binary.length - offset} bytes follow the JSON and the binary data the inputs declare`);
  return sections;
}

const PARAMETERS_KNOWN = ['top_k', 'function_to_apply', 'binary_data_output'];
const FUNCTIONS: readonly ClassificationFunction[] = ['softmax', 'sigmoid', 'none'];

/** The request's pixels [n, 3, H, W]: decoded and preprocessed images, or FP32 pixel values as sent. */
function inputPixels(input: RequestInput, binary: Uint8Array | undefined, ctx: InferContext): Tensor {
  const what = `input ${JSON.stringify(input.name)}`;
  const count = elementCount(input.shape);
  if (count === 0) throw badRequest(`${what}: shape [${input.shape.join(', ')}] holds no elements`);
  if (input.datatype === 'BYTES') {
    if (count > ctx.maxImages) throw new HttpError(413, `${what} holds ${count} images; at most ${ctx.maxImages} per request`);
    const encoded = binary ? binaryElements(binary, input.shape, what) : jsonStrings(input.data, input.shape, what).map((s, i) => decodeBase64Image(s, `${what} element ${i}`));
    const images = encoded.map((bytes, i) => decodeRequestImage(bytes, ctx.maxPixels, `${what} element ${i}`));
    return ctx.runner.preprocess(images);
  }
  if (input.datatype === 'FP32') {
    const expected = ctx.runner.shapes.pixels;
    const shape = input.shape;
    if (shape.length !== 4 || shape.slice(1).some((d, i) => d !== expected[i])) {
      throw badRequest(`${what}: FP32 pixel values must have shape [n, ${expected.join(', ')}], got [${shape.join(', ')}]`);
    }
    if (shape[0] > ctx.maxImages) throw new HttpError(413, `${what} holds ${shape[0]} images; at most ${ctx.maxImages} per request`);
    const data = binary ? binaryFp32(binary, shape, what) : jsonFp32(input.data, shape, what);
    return new Tensor(data, shape);
  }
  throw badRequest(`${what}: datatype ${JSON.stringify(input.datatype)} is not accepted; send BYTES (encoded PNG/JPEG images) or FP32 (pixel values [n, ${ctx.runner.shapes.pixels.join(', ')}])`);
}

interface ResponseOutput {
  name: OutputName;
  datatype: 'BYTES' | 'FP32';
  shape: number[];
  data: Float32Array | string[];
  binary: boolean;
}

export async function handleInfer(name: string, req: IncomingMessage, body: Buffer, ctx: InferContext): Promise<Reply> {
  const { header, binary } = splitBody(req, body);
  const request = parseRequest(header);
  if (request.inputs.length !== 1) throw badRequest(`expected one input tensor ("image" BYTES or "pixel_values" FP32), got ${request.inputs.length}`);
  const parameters = request.parameters ?? {};
  for (const k of Object.keys(parameters)) if (!PARAMETERS_KNOWN.includes(k)) throw badRequest(`unknown parameter ${JSON.stringify(k)}; known: ${PARAMETERS_KNOWN.join(', ')}`);
  const topK = parameters.top_k ?? 5;
  if (!(typeof topK === 'number' && Number.isInteger(topK) && topK >= 1)) throw badRequest(`parameter "top_k" must be a positive integer, got ${JSON.stringify(topK)}`);
  const fn = parameters.function_to_apply as ClassificationFunction | undefined;
  if (fn !== undefined && !FUNCTIONS.includes(fn)) throw badRequest(`parameter "function_to_apply" must be one of ${FUNCTIONS.join(', ')}`);

  const available = outputMetadata(ctx.runner).map((o) => o.name);
  const requested: RequestOutput[] = request.outputs ?? available.map((n) => ({ name: n }));
  for (const o of requested) {
    if (!available.includes(o.name as OutputName)) throw badRequest(`unknown output ${JSON.stringify(o.name)}; model ${name} has ${available.join(', ')}`);
  }
  const names = requested.map((o) => o.name as OutputName);
  const wanted: OutputsWanted = {
    logits: names.some((n) => n === 'labels' || n === 'scores' || n === 'logits'),
    pooled: names.includes('features'),
    tokens: names.includes('last_hidden_state'),
  };

  const [section] = binarySections(request.inputs, binary);
  const pixels = inputPixels(request.inputs[0], section, ctx);
  const out = await ctx.infer(pixels, wanted);
  const binaryAll = parameters.binary_data_output === true;
  const outputs = requested.map((o): ResponseOutput => {
    const asBinary = typeof o.parameters?.binary_data === 'boolean' ? o.parameters.binary_data : binaryAll;
    return { ...outputTensor(o.name as OutputName, out, ctx.runner, pixels.shape[0], topK, fn), binary: asBinary };
  });
  return inferReply(name, request.id, outputs);
}

function outputTensor(name: OutputName, out: BatchOutputs, runner: ModelRunner, n: number, topK: number, fn: ClassificationFunction | undefined): Omit<ResponseOutput, 'binary'> {
  if (name === 'logits') return { name, datatype: 'FP32', shape: out.logits!.shape.slice(), data: out.logits!.data };
  if (name === 'features') return { name, datatype: 'FP32', shape: out.pooled!.shape.slice(), data: out.pooled!.data };
  if (name === 'last_hidden_state') return { name, datatype: 'FP32', shape: out.tokens!.shape.slice(), data: out.tokens!.data };
  const rows = Array.from({ length: n }, (_, i) => runner.topK(out.logits!.select(i).data, topK, fn));
  const k = rows[0].length;
  if (name === 'labels') return { name, datatype: 'BYTES', shape: [n, k], data: rows.flatMap((r) => r.map((p) => p.label)) };
  return { name, datatype: 'FP32', shape: [n, k], data: Float32Array.from(rows.flatMap((r) => r.map((p) => p.score))) };
}

function inferReply(name: string, id: string | undefined, outputs: readonly ResponseOutput[]): Reply {
  const chunks: Uint8Array[] = [];
  const jsonOutputs = outputs.map((o) => {
    const base = { name: o.name, datatype: o.datatype, shape: o.shape };
    if (!o.binary) return { ...base, data: o.data instanceof Float32Array ? Array.from(o.data) : o.data };
    const bytes = encodeBinary(o.datatype, o.data);
    chunks.push(bytes);
    return { ...base, parameters: { binary_data_size: bytes.byteLength } };
  });
  const response = { model_name: name, ...(id !== undefined ? { id } : {}), outputs: jsonOutputs };
  if (chunks.length === 0) return json(response);
  const header = Buffer.from(JSON.stringify(response));
  return {
    status: 200,
    body: Buffer.concat([header, ...chunks]),
    contentType: 'application/octet-stream',
    headers: { 'Inference-Header-Content-Length': String(header.byteLength) },
  };
}
