import { crc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';

// One ticket, one look: the mailed PNG, the downloaded PNG and the SVG keep the same quiet zone.
const MARGIN = 2;
const PNG_WIDTH = 384;

/**
 * A ticket code is a JWT, base64url text: byte mode holds it as it is. Letting the library
 * look for the best mix of modes costs a shortest-path search per code for a symbol that is
 * seldom smaller. The PNG and the SVG are built alike, so they stay the same QR.
 */
const segmentsOf = (code: string): QRCode.QRCodeSegment[] => [{ data: Buffer.from(code), mode: 'byte' }];

/**
 * The mask pattern, fixed. Left to choose, the library scores all eight on every symbol, which
 * was most of a ticket mail's CPU (4 ms of 8 under an on-sale's load). Any mask reads the same;
 * the scores only steer away from blocks and finder-like runs, and on ticket codes (random
 * base64url) mask 2 scored on average 4% above the best of the eight, at worst 20%.
 */
const MASK_PATTERN = 2;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const chunk = (type: string, data: Buffer): Buffer => {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
};

/**
 * The symbol as a black-and-white PNG of 1 bit per pixel, pixel for pixel what the library's
 * own renderer draws (its scaling and quiet zone), which writes 32-bit RGBA and tries five
 * filters on every row: 13 ms a ticket, most of a ticket mail's work when thousands go out
 * at once. Black is 0, white 1, each row led by filter type 0 (none).
 */
const pngOf = (modules: QRCode.BitMatrix): Buffer => {
  const size = modules.size;
  const scale = PNG_WIDTH / (size + MARGIN * 2);
  const width = Math.floor((size + MARGIN * 2) * scale);
  const margin = MARGIN * scale;
  // The module a pixel column or row falls in, -1 in the quiet zone.
  const moduleAt = Array.from({ length: width }, (_, p) => (p >= margin && p < width - margin ? Math.floor((p - margin) / scale) : -1));
  const rowBytes = Math.ceil(width / 8);
  // A row of pixels per row of modules (and one for the quiet zone), each led by its filter byte.
  const rowOf = (module: number): Buffer => {
    const row = Buffer.alloc(rowBytes + 1);
    for (let x = 0; x < width; x++) if (module < 0 || moduleAt[x]! < 0 || !modules.get(module, moduleAt[x]!)) row[1 + (x >> 3)]! |= 0x80 >> (x & 7);
    return row;
  };
  const rows = new Map<number, Buffer>();
  const image = Buffer.concat(moduleAt.map((module) => rows.get(module) ?? rows.set(module, rowOf(module)).get(module)!));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(width, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter method, no interlace
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(image)), chunk('IEND', Buffer.alloc(0))]);
};

/** A signed ticket code as the PNG that is mailed with the ticket and served for download. */
export const ticketQrPng = async (code: string): Promise<Buffer> => pngOf(QRCode.create(segmentsOf(code), { maskPattern: MASK_PATTERN }).modules);

/** The same QR as an SVG. */
export const ticketQrSvg = (code: string): Promise<string> => QRCode.toString(segmentsOf(code), { type: 'svg', margin: MARGIN, maskPattern: MASK_PATTERN });
