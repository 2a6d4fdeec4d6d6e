/**
 * The EXIF Orientation tag (0x0112 in IFD0), read the way Pillow 9.4's `Image.getexif()` finds it:
 * from a TIFF structure optionally prefixed by "Exif\0\0", or as a fallback from XMP's
 * `tiff:Orientation`. Unreadable EXIF yields `undefined` (PIL would raise; we keep the image).
 */

const ORIENTATION_TAG = 0x0112;
/** TIFF integer types whose single value PIL returns as a plain int. */
const INTEGER_TYPES: Record<number, number> = { 1: 1, 3: 2, 4: 4, 6: 1, 8: 2, 9: 4 };

/** Orientation 1..8 from EXIF bytes (a TIFF header, optionally after "Exif\0\0"), else undefined. */
export function exifOrientation(exif: Uint8Array): number | undefined {
  let base = 0;
  if (exif.length >= 6 && exif[0] === 0x45 && exif[1] === 0x78 && exif[2] === 0x69 && exif[3] === 0x66 && exif[4] === 0 && exif[5] === 0) base = 6;
  if (exif.length < base + 8) return undefined;
  const dv = new DataView(exif.buffer, exif.byteOffset, exif.byteLength);
  let little: boolean;
  if (exif[base] === 0x49 && exif[base + 1] === 0x49) little = true;
  else if (exif[base] === 0x4d && exif[base + 1] === 0x4d) little = false;
  else return undefined;
  if (dv.getUint16(base + 2, little) !== 42) return undefined;
  const ifd = base + dv.getUint32(base + 4, little);
  if (ifd + 2 > exif.length) return undefined;
  const count = dv.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > exif.length) return undefined;
    if (dv.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    const type = dv.getUint16(entry + 2, little);
    const n = dv.getUint32(entry + 4, little);
    const size = INTEGER_TYPES[type];
    // A tuple (count > 1) or a non-integer type matches none of exif_transpose's cases.
    if (size === undefined || n !== 1) return undefined;
    const p = entry + 8;
    switch (type) {
      case 1: return exif[p];
      case 6: return dv.getInt8(p);
      case 3: return dv.getUint16(p, little);
      case 8: return dv.getInt16(p, little);
      case 4: return dv.getUint32(p, little);
      default: return dv.getInt32(p, little);
    }
  }
  return undefined;
}

/** PIL's XMP fallback: the first `tiff:Orientation="N"` or `<tiff:Orientation>N`. */
export function xmpOrientation(xmp: string): number | undefined {
  const match = /tiff:Orientation(="|>)([0-9])/.exec(xmp);
  return match ? Number(match[2]) : undefined;
}
