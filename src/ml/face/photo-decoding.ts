import sharp, { type Metadata } from 'sharp';
import { FaceRefusal } from './face-engine.js';
import type { RgbImage } from './rgb-image.js';

export interface DecodingLimits {
  /** Bigger bodies are refused before sharp sees them. */
  maxBytes: number;
  /** width × height as the header says: a decompression bomb is refused before any pixel is decoded. */
  maxPixels: number;
  /** Longest side the photo is shrunk to for the pipeline; the detector sees 320 × 240 anyway. */
  workingSide: number;
}

export const DEFAULT_DECODING_LIMITS: DecodingLimits = { maxBytes: 10 * 1024 * 1024, maxPixels: 40_000_000, workingSide: 1024 };

/** What the clients may send (`image/jpeg|png|webp`): libvips' other loaders (SVG, TIFF, HEIF, PDF…) are attack surface we do not need. */
const ACCEPTED_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp']);

/** Decoding gives up after this: a worker must not be held by one pathological file. */
const DECODE_TIMEOUT_SECONDS = 5;

export interface DecodedPhoto {
  image: RgbImage;
  /** The photo's own pixels per working pixel (≥ 1): face sizes are judged in the photo's pixels. */
  scale: number;
}

const unsupported = (why: string) => new FaceRefusal('UNSUPPORTED_IMAGE', `The photo cannot be read as a JPEG, PNG or WebP image (${why})`);

/**
 * A photo as upright RGB pixels, at most `workingSide` on its longest side. Throws FaceRefusal:
 * IMAGE_TOO_LARGE for too many bytes or pixels, UNSUPPORTED_IMAGE for anything that is not a
 * whole JPEG, PNG or WebP image (sharp's default `failOn: 'warning'` refuses truncated files).
 */
export const decodePhoto = async (bytes: Uint8Array, limits: DecodingLimits): Promise<DecodedPhoto> => {
  if (bytes.byteLength > limits.maxBytes)
    throw new FaceRefusal('IMAGE_TOO_LARGE', `The photo is ${bytes.byteLength} bytes, more than the ${limits.maxBytes} accepted`);
  let header: Metadata;
  try {
    // Only the header is read here, so the limit is checked by us, and says so, rather than by libvips' message.
    header = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw unsupported((error as Error).message);
  }
  if (!header.format || !ACCEPTED_FORMATS.has(header.format)) throw unsupported(`format ${header.format ?? 'unknown'}`);
  const { width, height } = header;
  if (!width || !height) throw unsupported('no dimensions');
  if (width * height > limits.maxPixels)
    throw new FaceRefusal('IMAGE_TOO_LARGE', `The photo is ${width}×${height} pixels, more than the ${limits.maxPixels} accepted`);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxPixels, autoOrient: true, sequentialRead: true })
      .timeout({ seconds: DECODE_TIMEOUT_SECONDS })
      .resize({ width: limits.workingSide, height: limits.workingSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`${info.channels} channels after conversion`);
    return {
      image: { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) },
      scale: Math.max(width, height) / Math.max(info.width, info.height),
    };
  } catch (error) {
    throw unsupported((error as Error).message);
  }
};
