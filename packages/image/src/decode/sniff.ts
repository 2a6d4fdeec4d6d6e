/** Identifies an image format from its first bytes. */

export type ImageFormat = 'png' | 'jpeg';

const OTHER_FORMATS: [string, (b: Uint8Array) => boolean][] = [
  ['GIF', (b) => ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')],
  ['WebP', (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')],
  ['BMP', (b) => ascii(b, 0, 'BM') && b.length >= 14],
  ['TIFF', (b) => ascii(b, 0, 'II*\0') || ascii(b, 0, 'MM\0*')],
  ['AVIF/HEIF', (b) => ascii(b, 4, 'ftyp')],
  ['ICO', (b) => b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0],
  ['JPEG 2000', (b) => ascii(b, 4, 'jP  ') || (b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51)],
  ['QOI', (b) => ascii(b, 0, 'qoif')],
];

function ascii(b: Uint8Array, at: number, text: string): boolean {
  if (b.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && ascii(bytes, 1, 'PNG\r\n\x1a\n')) return 'png';
  // PIL's JPEG _accept: FF D8 FF.
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** Name of a recognised but unsupported format, for error messages. */
export function otherFormatName(bytes: Uint8Array): string | undefined {
  return OTHER_FORMATS.find(([, test]) => test(bytes))?.[0];
}
