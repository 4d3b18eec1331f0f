/**
 * Renders a small PNG "page preview" for a document without any image
 * library: a white page, a header band coloured from a hash of the title,
 * and grey bars standing in for lines of text. Same title, same bytes.
 */
import { deflateSync } from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Guard against absurd sizes (memory is width*height*3). */
const MAX_DIMENSION = 4096;

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as PNG requires.
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array, initial = 0): number {
  let crc = (initial ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC over type+data. */
function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** FNV-1a over the UTF-8 bytes: a cheap, stable hash for picking colours. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h >>> 0;
}

/** HSL (h in degrees, s/l in 0..1) to 8-bit RGB. */
function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const hp = (h % 360) / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] =
    hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = l - c / 2;
  return [r, g, b].map((v) => Math.round((v + m) * 255)) as [number, number, number];
}

/** Returns a PNG (RGB, 8-bit, non-interlaced) preview for a document title. */
export function renderThumbnailPng(title: string, width = 160, height = 226): Buffer {
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > MAX_DIMENSION) {
      throw new RangeError(`thumbnail ${name} must be an integer in 1..${MAX_DIMENSION}, got ${v}`);
    }
  }

  const hash = fnv1a(title);
  const header = hslToRgb(hash % 360, 0.55, 0.5);
  const border: [number, number, number] = [200, 200, 200];
  const textGrey: [number, number, number] = [190, 190, 190];

  // Each row is a filter byte (0 = None) followed by RGB triplets; start all white.
  const stride = 1 + width * 3;
  const raw = Buffer.alloc(stride * height, 0xff);
  for (let y = 0; y < height; y++) raw[y * stride] = 0;

  const fillRect = (x0: number, y0: number, x1: number, y1: number, [r, g, b]: [number, number, number]) => {
    const xa = Math.max(0, Math.round(x0));
    const xb = Math.min(width, Math.round(x1));
    const ya = Math.max(0, Math.round(y0));
    const yb = Math.min(height, Math.round(y1));
    for (let y = ya; y < yb; y++) {
      for (let x = xa; x < xb; x++) {
        const i = y * stride + 1 + x * 3;
        raw[i] = r;
        raw[i + 1] = g;
        raw[i + 2] = b;
      }
    }
  };

  // Header band across the top of the page.
  const margin = Math.max(1, Math.round(width * 0.08));
  const bandHeight = Math.max(1, Math.round(height * 0.14));
  fillRect(0, 0, width, bandHeight, header);

  // "Text lines": bar lengths vary with the hash, so titles look different.
  const lineHeight = Math.max(1, Math.round(height * 0.018));
  const lineStep = Math.max(lineHeight + 1, Math.round(height * 0.05));
  const usable = width - 2 * margin;
  let seed = hash;
  for (let y = bandHeight + margin, n = 0; y + lineHeight <= height - margin; y += lineStep, n++) {
    seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) >>> 0;
    // Every sixth line is short, like the end of a paragraph.
    const fraction = n % 6 === 5 ? 0.3 + (seed % 30) / 100 : 0.75 + (seed % 25) / 100;
    fillRect(margin, y, margin + usable * fraction, y + lineHeight, textGrey);
  }

  // One-pixel page edge so the white page shows on a white background.
  fillRect(0, 0, width, 1, border);
  fillRect(0, height - 1, width, height, border);
  fillRect(0, 0, 1, height, border);
  fillRect(width - 1, 0, width, height, border);

  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour RGB
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace

  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
