/**
 * A strict JSON parser for safetensors headers. `JSON.parse` silently keeps the last of duplicate
 * keys, and a forged header must not be able to smuggle two entries for one tensor name; it also
 * bounds nesting so that hostile input cannot exhaust the stack.
 */

import { formatValue } from '../limits/format-value.js';

/** Objects are Maps: they keep the text's key order (a plain object would move integer-like keys first). */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

export class JsonSyntaxError extends Error {
  /** Set when the problem is a repeated object key. */
  readonly duplicateKey: string | undefined;
  constructor(message: string, duplicateKey?: string) {
    super(message);
    this.duplicateKey = duplicateKey;
  }
}

const MAX_DEPTH = 64;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function parseJsonStrict(text: string): JsonValue {
  let pos = 0;

  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at position ${pos}`);
  };
  const skipSpace = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else return;
    }
  };
  const parseString = (): string => {
    const start = pos++; // opening quote
    for (;;) {
      if (pos >= text.length) fail('unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in string');
      pos += c === 0x5c ? 2 : 1;
    }
    pos++;
    try {
      // The slice is a complete JSON string token; JSON.parse checks and decodes its escapes.
      return JSON.parse(text.slice(start, pos)) as string;
    } catch {
      return fail('invalid string escape');
    }
  };
  const parseLiteral = (word: string, value: JsonValue): JsonValue => {
    if (!text.startsWith(word, pos)) fail('unexpected token');
    pos += word.length;
    return value;
  };
  const parseValue = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    skipSpace();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: JsonObject = new Map();
      skipSpace();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') fail('expected a string key');
        const key = parseString();
        if (obj.has(key)) throw new JsonSyntaxError(`duplicate key ${formatValue(key)}`, key);
        skipSpace();
        if (text[pos] !== ':') fail("expected ':'");
        pos++;
        obj.set(key, parseValue(depth + 1));
        skipSpace();
        if (text[pos] === ',') pos++;
        else if (text[pos] === '}') {
          pos++;
          return obj;
        } else fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      pos++;
      const arr: JsonValue[] = [];
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        skipSpace();
        if (text[pos] === ',') pos++;
        else if (text[pos] === ']') {
          pos++;
          return arr;
        } else fail("expected ',' or ']'");
      }
    }
    if (c === '"') return parseString();
    if (c === 't') return parseLiteral('true', true);
    if (c === 'f') return parseLiteral('false', false);
    if (c === 'n') return parseLiteral('null', null);
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail('unexpected token');
    pos += m[0].length;
    return Number(m[0]);
  };

  const value = parseValue(0);
  skipSpace();
  if (pos !== text.length) fail('unexpected data after the JSON value');
  return value;
}
