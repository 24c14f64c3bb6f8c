import QRCode from 'qrcode';

// One ticket, one look: the mailed PNG, the downloaded PNG and the SVG keep the same quiet zone.
const MARGIN = 2;

/** A signed ticket code as the PNG that is mailed with the ticket and served for download. */
export const ticketQrPng = (code: string): Promise<Buffer> => QRCode.toBuffer(code, { type: 'png', margin: MARGIN, width: 384 });

/** The same QR as an SVG. */
export const ticketQrSvg = (code: string): Promise<string> => QRCode.toString(code, { type: 'svg', margin: MARGIN });
