/**
 * NumPy's .npy format (version 1.0): magic, a little-endian uint16 header length, a Python dict
 * literal header padded with spaces to a 64-byte boundary and ended by a newline, then the values.
 * `numpy.load` reads it back.
 */

export function encodeNpyFloat32(data: Float32Array, shape: readonly number[]): Uint8Array[] {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = new Uint8Array(10 + header.length);
  prefix.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]); // \x93NUMPY v1.0
  new DataView(prefix.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) prefix[10 + i] = header.charCodeAt(i);
  const values = new Uint8Array(data.length * 4);
  const view = new DataView(values.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return [prefix, values];
}
