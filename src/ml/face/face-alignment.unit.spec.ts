import { describe, expect, it } from 'vitest';
import { ARCFACE_TEMPLATE, alignFace, similarityTransform } from './face-alignment.js';
import type { Point } from './face-landmarks.js';

const apply = ({ a, b, tx, ty }: ReturnType<typeof similarityTransform>, p: Point): Point => ({ x: a * p.x - b * p.y + tx, y: b * p.x + a * p.y + ty });

/** The template turned by 20°, scaled by 2.5 and moved: where a face's five points could be. */
const angle = (20 * Math.PI) / 180;
const face = ARCFACE_TEMPLATE.map((p) => ({ x: 2.5 * (Math.cos(angle) * p.x - Math.sin(angle) * p.y) + 300, y: 2.5 * (Math.sin(angle) * p.x + Math.cos(angle) * p.y) + 120 }));

describe('a similarity transform fitted to five points', () => {
  it('maps points that are a similarity of the template exactly onto it', () => {
    const fitted = similarityTransform(face, ARCFACE_TEMPLATE);
    for (const [i, p] of face.entries()) {
      expect(apply(fitted, p).x).toBeCloseTo(ARCFACE_TEMPLATE[i]!.x, 9);
      expect(apply(fitted, p).y).toBeCloseTo(ARCFACE_TEMPLATE[i]!.y, 9);
    }
    expect(Math.hypot(fitted.a, fitted.b)).toBeCloseTo(1 / 2.5, 12);
    expect(Math.atan2(fitted.b, fitted.a)).toBeCloseTo(-angle, 12);
  });

  it('does not shear a face whose points do not fit: it spreads the error over all five', () => {
    const squint = face.map((p, i) => (i === 0 ? { x: p.x, y: p.y + 10 } : p));
    const fitted = similarityTransform(squint, ARCFACE_TEMPLATE);
    const errors = squint.map((p, i) => Math.hypot(apply(fitted, p).x - ARCFACE_TEMPLATE[i]!.x, apply(fitted, p).y - ARCFACE_TEMPLATE[i]!.y));
    expect(Math.max(...errors)).toBeLessThan(4);
    expect(errors.filter((e) => e > 0.01).length).toBeGreaterThan(1);
  });
});

describe('alignment', () => {
  it('brings the pixel under each of the five points to its place in the 112 × 112 crop, and says how big the face was', () => {
    // One white pixel under the left eye of the turned face; everything else black.
    const width = 640;
    const height = 480;
    const data = new Uint8Array(width * height * 3);
    const eye = face[0]!;
    data.fill(255, (Math.round(eye.y) * width + Math.round(eye.x)) * 3, (Math.round(eye.y) * width + Math.round(eye.x)) * 3 + 3);
    const { image: aligned, span } = alignFace({ width, height, data }, face.map((p) => ({ x: Math.round(p.x) + 0.5, y: Math.round(p.y) + 0.5 })));
    expect(span).toBeCloseTo(112 * 2.5, 0);
    let brightest = 0;
    for (let i = 1; i < 112 * 112; i++) if (aligned.data[i * 3]! > aligned.data[brightest * 3]!) brightest = i;
    expect(Math.abs((brightest % 112) - ARCFACE_TEMPLATE[0]!.x)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(Math.floor(brightest / 112) - ARCFACE_TEMPLATE[0]!.y)).toBeLessThanOrEqual(1.5);
  });
});
