import { type RgbImage, rectangleToOutput, warpAffine } from './rgb-image.js';

/** A face as the pipeline handles it: a square (the detector's box made square about its centre), in the image's pixels. */
export interface FaceBox {
  x: number;
  y: number;
  side: number;
  /** The detector's confidence, 0-1. */
  score: number;
}

/** fr_detect.onnx's input, whatever the photo's aspect. */
export const DETECTOR_WIDTH = 320;
export const DETECTOR_HEIGHT = 240;
/** Score and overlap limits found by probing the model; 0.7 found every face in the samples and nothing else. */
const MIN_SCORE = 0.7;
const NMS_IOU = 0.4;

/** The whole image squeezed to 320 × 240 (aspect ignored, as the model was trained), RGB, (v − 127) / 128, channels first. */
export const detectorInput = (image: RgbImage): Float32Array => {
  const small = warpAffine(image, rectangleToOutput(0, 0, image.width, image.height, DETECTOR_WIDTH, DETECTOR_HEIGHT), DETECTOR_WIDTH, DETECTOR_HEIGHT);
  const plane = DETECTOR_WIDTH * DETECTOR_HEIGHT;
  const input = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < 3; c++) input[c * plane + i] = (small.data[i * 3 + c]! - 127) / 128;
  return input;
};

interface Corners {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
}

const iou = (p: Corners, q: Corners): number => {
  const w = Math.min(p.x2, q.x2) - Math.max(p.x1, q.x1);
  const h = Math.min(p.y2, q.y2) - Math.max(p.y1, q.y1);
  if (w <= 0 || h <= 0) return 0;
  const overlap = w * h;
  return overlap / ((p.x2 - p.x1) * (p.y2 - p.y1) + (q.x2 - q.x1) * (q.y2 - q.y1) - overlap);
};

/**
 * The faces in the detector's output (`scores` [n, 2], `boxes` [n, 4] as normalised corners,
 * already decoded: no priors), for an image of width × height, largest first. Greedy NMS from
 * the most confident box; the library's own NMS sorts by the boxes' bottom edge instead.
 */
export const facesFromDetector = (scores: Float32Array, boxes: Float32Array, width: number, height: number): FaceBox[] => {
  const candidates: Corners[] = [];
  for (let i = 0; i < scores.length / 2; i++) {
    const score = scores[i * 2 + 1]!;
    const [x1, y1, x2, y2] = [boxes[i * 4]! * width, boxes[i * 4 + 1]! * height, boxes[i * 4 + 2]! * width, boxes[i * 4 + 3]! * height];
    if (score >= MIN_SCORE && x2 > x1 && y2 > y1) candidates.push({ x1, y1, x2, y2, score });
  }
  candidates.sort((p, q) => q.score - p.score);
  const kept: Corners[] = [];
  for (const candidate of candidates) if (kept.every((face) => iou(face, candidate) <= NMS_IOU)) kept.push(candidate);
  // The square's side is the box's height, as the library does: its boxes are taller than wide, and the landmark model was fed such squares.
  return kept
    .map(({ x1, y1, x2, y2, score }) => ({ x: (x1 + x2) / 2 - (y2 - y1) / 2, y: y1, side: y2 - y1, score }))
    .sort((p, q) => q.side - p.side);
};
