/**
 * transformers' `get_size_dict` (image_processing_utils.py at the golden's pinned commit): the size
 * and crop_size of a preprocessor config as one of its valid dictionaries. Legacy configs store an
 * int (a square with `defaultToSquare`, else the shortest edge) or a [height, width] list.
 */

import { checkBound, formatValue } from '@purevit/weights';
import { ImageError } from '../errors.js';

export interface HeightWidth {
  readonly height: number;
  readonly width: number;
}

/** The dictionaries transformers accepts (VALID_SIZE_DICT_KEYS), with camelCase keys. */
export type SizeDict =
  | HeightWidth
  | { readonly shortestEdge: number; readonly longestEdge?: number }
  | { readonly longestEdge: number }
  | { readonly maxHeight: number; readonly maxWidth: number };

const KEY_SETS: readonly (readonly string[])[] = [
  ['height', 'width'],
  ['shortest_edge'],
  ['longest_edge', 'shortest_edge'],
  ['longest_edge'],
  ['max_height', 'max_width'],
];

/** Either spelling of a key → its snake_case name (the JSON's). */
const SNAKE: Readonly<Record<string, string>> = {
  height: 'height',
  width: 'width',
  shortest_edge: 'shortest_edge',
  shortestEdge: 'shortest_edge',
  longest_edge: 'longest_edge',
  longestEdge: 'longest_edge',
  max_height: 'max_height',
  maxHeight: 'max_height',
  max_width: 'max_width',
  maxWidth: 'max_width',
};

/** snake_case key → the camelCase field of SizeDict. */
const CAMEL: Readonly<Record<string, string>> = {
  height: 'height',
  width: 'width',
  shortest_edge: 'shortestEdge',
  longest_edge: 'longestEdge',
  max_height: 'maxHeight',
  max_width: 'maxWidth',
};

/** A side in pixels: a positive integer within CONFIG_BOUNDS.imageSide (the processor allocates images of it). */
function positiveInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ImageError('invalid_input', `${what} must be a positive integer, got ${formatValue(v)}`);
  }
  return checkBound(v, 'imageSide', what);
}

/**
 * `get_size_dict(size, default_to_square, param_name)`: an int becomes `{height, width}` (square)
 * or `{shortestEdge}`; a list of two is `[height, width]`; a dictionary (snake_case as in the JSON,
 * or camelCase) must have exactly one of the valid key sets.
 */
export function getSizeDict(size: unknown, defaultToSquare: boolean, paramName: string, where: string): SizeDict {
  if (typeof size === 'number') {
    const s = positiveInt(size, `${where}: ${paramName}`);
    return Object.freeze(defaultToSquare ? { height: s, width: s } : { shortestEdge: s });
  }
  if (Array.isArray(size)) {
    if (size.length !== 2) throw new ImageError('invalid_input', `${where}: ${paramName} as a list must be [height, width], got ${formatValue(size)}`);
    return Object.freeze({ height: positiveInt(size[0], `${where}: ${paramName}[0]`), width: positiveInt(size[1], `${where}: ${paramName}[1]`) });
  }
  if (size === null || typeof size !== 'object') {
    throw new ImageError('invalid_input', `${where}: could not convert ${paramName} ${formatValue(size)} to a size dictionary`);
  }
  const entries = Object.entries(size as Record<string, unknown>);
  // Either spelling of each key; key sets compare in snake_case, unknown keys fail the comparison.
  const snake = entries.map(([k]) => (Object.prototype.hasOwnProperty.call(SNAKE, k) ? SNAKE[k] : k));
  const sorted = [...snake].sort();
  if (!KEY_SETS.some((set) => set.length === sorted.length && set.every((k, i) => k === sorted[i]))) {
    throw new ImageError(
      'invalid_input',
      `${where}: ${paramName} must have one of the key sets {height, width}, {shortest_edge}, {shortest_edge, longest_edge}, {longest_edge}, {max_height, max_width}; got {${entries.map(([k]) => k).join(', ')}}`,
    );
  }
  const out: Record<string, number> = {};
  entries.forEach(([, v], i) => {
    out[CAMEL[snake[i]]] = positiveInt(v, `${where}: ${paramName}.${snake[i]}`);
  });
  return Object.freeze(out) as SizeDict;
}

/** The size as {height, width}, or an error naming the parameter (transformers' resize / center_crop checks). */
export function requireHeightWidth(size: SizeDict, paramName: string, where: string): HeightWidth {
  if ('height' in size && 'width' in size) return size;
  throw new ImageError('invalid_input', `${where}: ${paramName} must contain the keys height and width, got {${Object.keys(size).join(', ')}}`);
}
