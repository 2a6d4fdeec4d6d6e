/**
 * Bounded renderings of untrusted values for error messages. A config field may hold a 20 MB string
 * or an object nested 5000 deep: echoing it with JSON.stringify floods the message or throws
 * ("Maximum call stack size exceeded"). These functions never throw, look at most a few levels and
 * items deep, and cap what they return, so every message built from them stays one short line.
 */

/** The longest error message any purevit error class keeps (longer ones are clipped). */
export const MAX_MESSAGE_LENGTH = 299;
/** Default budget of one rendered value. */
export const MAX_VALUE_LENGTH = 60;

const MAX_DEPTH = 2;
const MAX_ITEMS = 4;

/**
 * A short, JSON-like, one-line rendering of `value` (at most `maxLength` characters): strings are
 * quoted and cut with their full length noted, containers show their first items and how many there
 * are, nesting below two levels shows as `[…]` / `{…}`. Never throws, even for proxies or getters
 * that do.
 */
export function formatValue(value: unknown, maxLength = MAX_VALUE_LENGTH): string {
  let text: string;
  try {
    text = render(value, 0, Math.max(8, maxLength));
  } catch {
    text = '(unprintable value)';
  }
  return clip(text, maxLength);
}

function render(value: unknown, depth: number, budget: number): string {
  switch (typeof value) {
    case 'string': {
      if (value.length + 2 <= budget) return JSON.stringify(value);
      const keep = Math.max(1, budget - 24);
      return `${JSON.stringify(value.slice(0, keep)).slice(0, -1)}…" (${value.length} chars)`;
    }
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return '(function)';
  }
  if (value === null) return 'null';
  const isArray = Array.isArray(value);
  if (depth >= MAX_DEPTH) return isArray ? '[…]' : '{…}';
  const parts: string[] = [];
  let used = 2;
  let count = 0;
  let more = false;
  if (isArray) {
    const list = value as unknown[];
    count = list.length;
    for (let i = 0; i < Math.min(count, MAX_ITEMS); i++) {
      const part = render(list[i], depth + 1, Math.max(8, (budget - used) / 2));
      used += part.length + 2;
      parts.push(part);
      if (used > budget) break;
    }
    more = parts.length < count;
    const tail = more ? `, … ${count} items` : '';
    return `[${parts.join(', ')}${tail}]`;
  }
  // for…in stops after a few keys: Object.keys would walk a million-key object.
  for (const key in value as Record<string, unknown>) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (parts.length >= MAX_ITEMS || used > budget) {
      more = true;
      break;
    }
    const name = render(key, MAX_DEPTH, 24);
    const part = `${name}: ${render((value as Record<string, unknown>)[key], depth + 1, Math.max(8, (budget - used) / 2))}`;
    used += part.length + 2;
    parts.push(part);
  }
  return `{${parts.join(', ')}${more ? ', …' : ''}}`;
}

/** At most `maxLength` characters of `text`, ending in "…" when cut. */
export function clip(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, Math.max(0, maxLength - 1))}…`;
}

/** An error message cut to MAX_MESSAGE_LENGTH characters, with line breaks made spaces. */
export function boundedMessage(message: string): string {
  const short = message.length > 4 * MAX_MESSAGE_LENGTH ? message.slice(0, 4 * MAX_MESSAGE_LENGTH) : message;
  return clip(short.replace(/\s*\n\s*/g, ' '), MAX_MESSAGE_LENGTH);
}

/**
 * "a, b, c" for a list that fits in `maxLength` characters; otherwise its first and last items around
 * "… (N more)", so both ends of a sorted list stay visible.
 */
export function formatList(items: readonly string[], maxLength = 160): string {
  const all = items.join(', ');
  if (all.length <= maxLength) return all;
  const head: string[] = [];
  const tail: string[] = [];
  let used = 16;
  for (let i = 0, j = items.length - 1; i <= j; ) {
    const front = items[i];
    if (used + front.length + 2 > maxLength) break;
    head.push(front);
    used += front.length + 2;
    i++;
    if (i > j) break;
    const back = items[j];
    if (used + back.length + 2 > maxLength) break;
    tail.unshift(back);
    used += back.length + 2;
    j--;
  }
  const hidden = items.length - head.length - tail.length;
  return [...head, `… (${hidden} more)`, ...tail].join(', ');
}
