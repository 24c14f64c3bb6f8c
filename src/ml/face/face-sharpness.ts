import type { RgbImage } from './rgb-image.js';

/**
 * How sharp a face is: the variance of the Laplacian of its grey levels, measured on the
 * aligned 112 × 112 crop so that every face is judged at the same scale whatever its size in
 * the photo. Blur and heavy upscaling both lower it.
 */
export const sharpness = (image: RgbImage): number => {
  const { width, height, data } = image;
  const grey = new Float64Array(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = 0.299 * data[i * 3]! + 0.587 * data[i * 3 + 1]! + 0.114 * data[i * 3 + 2]!;
  let sum = 0;
  let squares = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++)
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const laplacian = grey[i - 1]! + grey[i + 1]! + grey[i - width]! + grey[i + width]! - 4 * grey[i]!;
      sum += laplacian;
      squares += laplacian * laplacian;
      n++;
    }
  return squares / n - (sum / n) ** 2;
};
