import { createRequire } from 'node:module';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { ticketQrPng } from './ticket-qr.js';

// pngjs comes with qrcode, whose own PNG renderer it is: the reference to draw like.
const { PNG } = createRequire(import.meta.url)('pngjs') as { PNG: { sync: { read(png: Buffer): { width: number; height: number; data: Buffer } } } };

/** JWT-shaped codes of the lengths tickets have, some with the digit runs that tempt other QR modes. */
const codes = [
  'eyJhbGciOiJFZERTQSJ9.eyJ0aWQiOiIxMjM0NTY3OC0xMjM0LTEyMzQtMTIzNC0xMjM0NTY3ODkwMTIifQ.c2lnbmF0dXJl',
  `eyJhbGciOiJFZERTQSIsImtpZCI6IjIwMjYtMTIifQ.${'eyJ2ZXIiOjEsImFpZCI6ImFkYSJ9'.repeat(6)}.${'A1b2C3'.repeat(14)}`,
  `${'x'.repeat(120)}.${'1234567890'.repeat(12)}.${'-_'.repeat(40)}`,
];

describe('ticket QR codes', () => {
  it.each(codes)('draws the PNG pixel for pixel as the QR library renders the same symbol (%#)', async (code) => {
    const ours = PNG.sync.read(await ticketQrPng(code));
    const library = PNG.sync.read(await QRCode.toBuffer([{ data: Buffer.from(code), mode: 'byte' }], { type: 'png', margin: 2, width: 384, maskPattern: 2 }));
    expect({ width: ours.width, height: ours.height }).toEqual({ width: library.width, height: library.height });
    expect(ours.data.equals(library.data)).toBe(true);
  });
});
