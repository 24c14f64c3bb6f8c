import { describe, expect, it } from 'vitest';
import { type RgbImage, cropSquare, rectangleToOutput, warpAffine } from './rgb-image.js';

const image = (width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): RgbImage => {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  return { width, height, data };
};

describe('resampling an image', () => {
  const gradient = image(8, 6, (x, y) => [x * 30, y * 40, 200]);

  it('copies it unchanged through the identity', () => {
    expect(warpAffine(gradient, [1, 0, 0, 0, 1, 0], 8, 6).data).toEqual(gradient.data);
    expect(warpAffine(gradient, rectangleToOutput(0, 0, 8, 6, 8, 6), 8, 6).data).toEqual(gradient.data);
  });

  it('averages what each output pixel covers when shrinking, so fine stripes turn grey rather than alias', () => {
    const stripes = image(64, 64, (x) => (x % 2 === 0 ? [0, 0, 0] : [255, 255, 255]));
    const shrunk = warpAffine(stripes, rectangleToOutput(0, 0, 64, 64, 16, 16), 16, 16);
    expect(new Set(shrunk.data)).toEqual(new Set([128]));
  });

  it('reads black outside the image', () => {
    const white = image(4, 4, () => [255, 255, 255]);
    const crop = cropSquare(white, { x: -4, y: 0, side: 8 }, 8);
    expect(crop.data[(1 * 8 + 0) * 3]).toBe(0);
    expect(crop.data[(1 * 8 + 6) * 3]).toBe(255);
  });
});
