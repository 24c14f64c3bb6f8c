/** Decoded pixels, three bytes a pixel (red, green, blue), row after row. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Where an output pixel is read from: the output pixel (x, y) samples the source at
 * (a·x + b·y + c, d·x + e·y + f). Both in pixel indices (pixel centres at integers), OpenCV's
 * convention, in which the ArcFace template and the models' training crops are defined.
 */
export type Affine = readonly [a: number, b: number, c: number, d: number, e: number, f: number];

/**
 * The affine that shows the source rectangle (x, y, width, height) as an output of
 * outWidth × outHeight, with OpenCV's `resize` half-pixel alignment.
 */
export const rectangleToOutput = (x: number, y: number, width: number, height: number, outWidth: number, outHeight: number): Affine => {
  const sx = width / outWidth;
  const sy = height / outHeight;
  return [sx, 0, x + 0.5 * sx - 0.5, 0, sy, y + 0.5 * sy - 0.5];
};

/**
 * The source through `toSource`, bilinear. Where one output pixel covers more than two source
 * pixels each way, it averages a grid of samples over its footprint (about OpenCV's
 * INTER_AREA): plain bilinear sampling of a 1920 px photo down to the detector's 320 px aliases badly.
 * Outside the source reads black, as OpenCV's warpAffine does by default.
 */
export const warpAffine = (source: RgbImage, toSource: Affine, width: number, height: number): RgbImage => {
  const [a, b, c, d, e, f] = toSource;
  const footprint = Math.max(Math.hypot(a, d), Math.hypot(b, e));
  // A bilinear sample already averages over two source pixels each way.
  const n = Math.max(1, Math.ceil(footprint / 2 - 1e-6));
  // The samples of an output pixel sit at the centres of an n × n grid over it.
  const step = 1 / n;
  const first = step / 2 - 0.5;
  const weight = 1 / (n * n);
  const { width: sw, height: sh, data } = source;
  const out = new Uint8Array(width * height * 3);
  // Hot: every photo's detector input, landmark, alignment and liveness crops go through here.
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let j = 0; j < n; j++) {
        const v = y + first + j * step;
        let px = a * (x + first) + b * v + c;
        let py = d * (x + first) + e * v + f;
        for (let i = 0; i < n; i++, px += a * step, py += d * step) {
          const x0 = Math.floor(px);
          const y0 = Math.floor(py);
          const fx = px - x0;
          const fy = py - y0;
          if (x0 >= 0 && y0 >= 0 && x0 + 1 < sw && y0 + 1 < sh) {
            const k = (y0 * sw + x0) * 3;
            const below = k + sw * 3;
            const w00 = (1 - fx) * (1 - fy);
            const w01 = fx * (1 - fy);
            const w10 = (1 - fx) * fy;
            const w11 = fx * fy;
            red += w00 * data[k]! + w01 * data[k + 3]! + w10 * data[below]! + w11 * data[below + 3]!;
            green += w00 * data[k + 1]! + w01 * data[k + 4]! + w10 * data[below + 1]! + w11 * data[below + 4]!;
            blue += w00 * data[k + 2]! + w01 * data[k + 5]! + w10 * data[below + 2]! + w11 * data[below + 5]!;
            continue;
          }
          // At the edges, only the neighbours inside count (outside is black).
          for (let jj = 0; jj < 2; jj++) {
            const sy = y0 + jj;
            if (sy < 0 || sy >= sh) continue;
            const wy = jj === 0 ? 1 - fy : fy;
            for (let ii = 0; ii < 2; ii++) {
              const sx = x0 + ii;
              if (sx < 0 || sx >= sw) continue;
              const w = wy * (ii === 0 ? 1 - fx : fx);
              const k = (sy * sw + sx) * 3;
              red += w * data[k]!;
              green += w * data[k + 1]!;
              blue += w * data[k + 2]!;
            }
          }
        }
      }
      const o = (y * width + x) * 3;
      out[o] = Math.round(red * weight);
      out[o + 1] = Math.round(green * weight);
      out[o + 2] = Math.round(blue * weight);
    }
  return { width, height, data: out };
};

/** The square (x, y, side) as an output of size × size. */
export const cropSquare = (source: RgbImage, square: { x: number; y: number; side: number }, size: number): RgbImage =>
  warpAffine(source, rectangleToOutput(square.x, square.y, square.side, square.side, size, size), size, size);
