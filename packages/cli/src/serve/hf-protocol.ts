/**
 * Hugging Face Inference Endpoints' request and response shapes (huggingface-inference-toolkit), as
 * `@huggingface/inference` sends them with `endpointUrl`:
 * - the image itself as the body (any Content-Type but JSON: image/*, application/octet-stream,
 *   none), parameters in the query string (`?top_k=3`);
 * - or JSON `{"inputs": "<base64 image>" | ["<base64>", ...], "parameters": {...}}`.
 * image-classification answers `[{"label", "score"}, ...]` best first (a list of those for a list of
 * inputs); parameters `top_k` (default 5) and `function_to_apply` ("softmax" | "sigmoid" | "none").
 * feature extraction answers transformers' ImageFeatureExtractionPipeline output: `[tokens][hidden]`
 * nested in a batch of one (`[[[...]]]`), or with `pool: true` the pooled `[[hidden]]`.
 */

import type { IncomingMessage } from 'node:http';
import type { ClassificationFunction } from '@purevit/models';
import { HttpError, badRequest } from './http-error.js';
import type { InferContext } from './infer-context.js';
import { rowAsArrays } from './infer-context.js';
import { json, type Reply } from './reply.js';
import { decodeBase64Image, decodeRequestImage } from './request-image.js';

export type HfTask = 'image-classification' | 'feature-extraction';

type Parameters = Record<string, unknown>;

const FUNCTIONS: readonly ClassificationFunction[] = ['softmax', 'sigmoid', 'none'];

function isJson(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

/** Query parameters as the toolkit reads them: "true"/"false" → booleans, integers → numbers. */
function queryParameters(query: URLSearchParams): Parameters {
  const out: Parameters = {};
  for (const [k, v] of query) out[k] = v === 'true' ? true : v === 'false' ? false : /^-?\d+$/.test(v) ? Number(v) : v;
  return out;
}

interface HfInputs {
  images: Uint8Array[];
  /** true when `inputs` was a list: the answer is then a list too. */
  list: boolean;
  parameters: Parameters;
}

function parseHfBody(req: IncomingMessage, body: Buffer, query: URLSearchParams, maxImages: number): HfInputs {
  if (!isJson(req)) return { images: [new Uint8Array(body.buffer, body.byteOffset, body.byteLength)], list: false, parameters: queryParameters(query) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw badRequest(`the body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('the JSON body must be an object {"inputs": ..., "parameters": {...}}');
  const { inputs, parameters } = parsed as { inputs?: unknown; parameters?: unknown };
  if (inputs === undefined) throw badRequest('the JSON body needs an "inputs" field: the base64-encoded image (or a list of them)');
  if (parameters !== undefined && (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters))) throw badRequest('"parameters" must be an object');
  const list = Array.isArray(inputs);
  const items: unknown[] = list ? inputs : [inputs];
  if (items.length === 0) throw badRequest('"inputs" is an empty list');
  if (items.length > maxImages) throw new HttpError(413, `"inputs" holds ${items.length} images; at most ${maxImages} per request`);
  const images = items.map((item, i) => {
    const what = list ? `inputs[${i}]` : 'inputs';
    if (typeof item !== 'string') throw badRequest(`${what} must be a base64-encoded image string, got ${item === null ? 'null' : typeof item}`);
    return decodeBase64Image(item, what);
  });
  return { images, list, parameters: (parameters as Parameters | undefined) ?? queryParameters(query) };
}

function checkKnown(parameters: Parameters, known: readonly string[]): void {
  for (const k of Object.keys(parameters)) {
    if (!known.includes(k)) throw badRequest(`unknown parameter ${JSON.stringify(k)}; this task takes ${known.map((n) => JSON.stringify(n)).join(', ')}`);
  }
}

export async function handleHf(task: HfTask, req: IncomingMessage, body: Buffer, query: URLSearchParams, ctx: InferContext): Promise<Reply> {
  const { images, list, parameters } = parseHfBody(req, body, query, ctx.maxImages);
  if (task === 'image-classification') {
    checkKnown(parameters, ['top_k', 'function_to_apply']);
    if (!ctx.runner.canClassify) throw badRequest('this server runs a feature-extraction model (no classification head): use /pipeline/feature-extraction');
  } else {
    checkKnown(parameters, ['pool']);
  }
  const topK = parameters.top_k ?? 5;
  if (!(typeof topK === 'number' && Number.isInteger(topK) && topK >= 1)) throw badRequest(`"top_k" must be a positive integer, got ${JSON.stringify(topK)}`);
  const fn = parameters.function_to_apply;
  if (fn !== undefined && !FUNCTIONS.includes(fn as ClassificationFunction)) throw badRequest(`"function_to_apply" must be one of ${FUNCTIONS.join(', ')}, got ${JSON.stringify(fn)}`);
  const pool = parameters.pool ?? false;
  if (typeof pool !== 'boolean') throw badRequest(`"pool" must be true or false, got ${JSON.stringify(pool)}`);

  const decoded = images.map((bytes, i) => decodeRequestImage(bytes, ctx.maxPixels, list ? `inputs[${i}]` : 'the image'));
  const pixels = ctx.runner.preprocess(decoded);
  if (task === 'image-classification') {
    const { logits } = await ctx.infer(pixels, { logits: true });
    const rows = decoded.map((_, n) => ctx.runner.topK(logits!.select(n).data, topK, fn as ClassificationFunction | undefined));
    return json(list ? rows : rows[0]);
  }
  const out = await ctx.infer(pixels, pool ? { pooled: true } : { tokens: true });
  const features = pool ? out.pooled! : out.tokens!;
  const rows = decoded.map((_, n) => [rowAsArrays(features, n)]); // transformers keeps the batch axis of one image
  return json(list ? rows : rows[0]);
}
