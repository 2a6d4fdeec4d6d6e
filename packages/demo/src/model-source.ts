/**
 * What the model field accepts: empty (the bundled demo model, served with the page), an http(s) URL
 * of a model folder, a path on this server (starting with `/` or `.`), or a Hugging Face hub id
 * (`owner/name`, fetched from huggingface.co by platform-web's openRepo).
 */

export const DEFAULT_MODEL_PATH = './models/fashion-vit-tiny/';

/** The string `pipeline()` gets: an absolute URL, or a hub id unchanged. */
export function resolveModelSource(input: string, base: string): string {
  const text = input.trim();
  if (text === '') return new URL(DEFAULT_MODEL_PATH, base).href;
  if (/^https?:\/\//i.test(text)) return text;
  if (text.startsWith('/') || text.startsWith('.')) return new URL(text, base).href;
  return text;
}
