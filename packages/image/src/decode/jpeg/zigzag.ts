/**
 * Zigzag scan position → natural (row-major) position in an 8x8 block, computed by walking the
 * anti-diagonals. Like libjpeg's table it has 16 extra entries pointing at 63, so a corrupt run
 * length that overshoots the block writes coefficient 63 instead of out of bounds.
 */
function zigzagToNatural(): Int32Array {
  const order = new Int32Array(64 + 16).fill(63);
  let i = 0;
  for (let s = 0; s < 15; s++) {
    const lo = Math.max(0, s - 7);
    const hi = Math.min(7, s);
    for (let t = lo; t <= hi; t++) {
      // Even diagonals run bottom-left → top-right, odd ones top-right → bottom-left.
      const row = s % 2 === 0 ? s - t : t;
      const col = s - row;
      order[i++] = row * 8 + col;
    }
  }
  return order;
}

export const NATURAL_ORDER = zigzagToNatural();
