import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODING_LIMITS, decodePhoto } from './photo-decoding.js';

/** A 300 × 200 JPEG, red on its left half and blue on its right. */
const halves = (orientation?: number) =>
  sharp({ create: { width: 300, height: 200, channels: 3, background: '#0000ff' } })
    .composite([{ input: { create: { width: 150, height: 200, channels: 3, background: '#ff0000' } }, left: 0, top: 0 }])
    .jpeg()
    .withMetadata(orientation ? { orientation } : {})
    .toBuffer();

describe('decoding a photo', () => {
  it('gives RGB pixels of the photo as it was', async () => {
    const { image, scale } = await decodePhoto(await halves(), DEFAULT_DECODING_LIMITS);
    expect({ width: image.width, height: image.height, scale, bytes: image.data.length }).toEqual({ width: 300, height: 200, scale: 1, bytes: 300 * 200 * 3 });
    expect(Array.from(image.data.subarray(0, 3))).toEqual([expect.closeTo(254, -1), expect.closeTo(0, -1), expect.closeTo(0, -1)]);
  });

  it('turns it upright by its EXIF orientation (6: taken turned a quarter)', async () => {
    const { image } = await decodePhoto(await halves(6), DEFAULT_DECODING_LIMITS);
    expect({ width: image.width, height: image.height }).toEqual({ width: 200, height: 300 });
    // Turned clockwise, the red left half ends up on top.
    expect(image.data[0]).toBeGreaterThan(200);
    expect(image.data[(299 * 200 + 199) * 3 + 2]).toBeGreaterThan(200);
  });

  it('shrinks a big photo to the working size and says by how much', async () => {
    const { image, scale } = await decodePhoto(await halves(), { ...DEFAULT_DECODING_LIMITS, workingSide: 150 });
    expect({ width: image.width, height: image.height, scale }).toEqual({ width: 150, height: 100, scale: 2 });
  });

  it('refuses more pixels than the limit, as the header says', async () => {
    await expect(decodePhoto(await halves(), { ...DEFAULT_DECODING_LIMITS, maxPixels: 300 * 200 - 1 })).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      message: 'The photo is 300×200 pixels, more than the 59999 accepted',
    });
  });
});
