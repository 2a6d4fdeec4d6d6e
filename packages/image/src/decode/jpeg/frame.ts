/** The JPEG frame (SOF) and its components, with libjpeg's block geometry. */

export interface Component {
  readonly id: number;
  /** Sampling factors h, v (1..4). */
  readonly h: number;
  readonly v: number;
  readonly quantTableId: number;
  /** Quantisation table in natural order, latched at the component's first scan (libjpeg). */
  quant: Int32Array | undefined;
  /** Blocks holding real samples: ceil(ceil(width * h / maxH) / 8) and likewise for rows. */
  readonly widthInBlocks: number;
  readonly heightInBlocks: number;
  /** Samples per row / rows of real data: ceil(width * h / maxH), ceil(height * v / maxV). */
  readonly downsampledWidth: number;
  readonly downsampledHeight: number;
  /** Allocated blocks per row / column: whole MCUs for interleaved scans. */
  readonly blocksPerLine: number;
  readonly blocksPerColumn: number;
  /** [blocksPerColumn, blocksPerLine, 64] coefficients in natural order */
  readonly coefficients: Int16Array;
}

export interface Frame {
  readonly progressive: boolean;
  readonly width: number;
  readonly height: number;
  readonly maxH: number;
  readonly maxV: number;
  /** MCUs per row / column of an interleaved scan. */
  readonly mcusPerLine: number;
  readonly mcusPerColumn: number;
  readonly components: Component[];
}

export function createFrame(
  progressive: boolean,
  width: number,
  height: number,
  specs: readonly { id: number; h: number; v: number; quantTableId: number }[],
): Frame {
  const maxH = Math.max(...specs.map((s) => s.h));
  const maxV = Math.max(...specs.map((s) => s.v));
  const mcusPerLine = Math.ceil(width / (8 * maxH));
  const mcusPerColumn = Math.ceil(height / (8 * maxV));
  const components = specs.map((s): Component => {
    const downsampledWidth = Math.ceil((width * s.h) / maxH);
    const downsampledHeight = Math.ceil((height * s.v) / maxV);
    const blocksPerLine = mcusPerLine * s.h;
    const blocksPerColumn = mcusPerColumn * s.v;
    return {
      ...s,
      quant: undefined,
      widthInBlocks: Math.ceil(downsampledWidth / 8),
      heightInBlocks: Math.ceil(downsampledHeight / 8),
      downsampledWidth,
      downsampledHeight,
      blocksPerLine,
      blocksPerColumn,
      coefficients: new Int16Array(blocksPerLine * blocksPerColumn * 64),
    };
  });
  return { progressive, width, height, maxH, maxV, mcusPerLine, mcusPerColumn, components };
}
