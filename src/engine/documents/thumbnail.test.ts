import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, renderThumbnailPng } from './thumbnail.js';

interface Chunk {
  type: string;
  data: Buffer;
  crc: number;
  /** Bytes the CRC covers: type + data. */
  covered: Buffer;
}

/** Splits a PNG into chunks, checking the framing as it goes. */
function parsePng(png: Buffer): Chunk[] {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const chunks: Chunk[] = [];
  let off = 8;
  while (off < png.length) {
    const length = png.readUInt32BE(off);
    const covered = png.subarray(off + 4, off + 8 + length);
    chunks.push({
      type: covered.subarray(0, 4).toString('ascii'),
      data: covered.subarray(4),
      crc: png.readUInt32BE(off + 8 + length),
      covered,
    });
    off += 12 + length;
  }
  expect(off).toBe(png.length);
  return chunks;
}

// zlib.crc32 arrived in Node 20.15 / 22.2; fall back to our own table version.
const referenceCrc32: (data: Uint8Array) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (d) => zlib.crc32(d) : (d) => crc32(d);

function pixel(raw: Buffer, width: number, x: number, y: number): number[] {
  const i = y * (1 + width * 3) + 1 + x * 3;
  return [raw[i], raw[i + 1], raw[i + 2]];
}

describe('renderThumbnailPng', () => {
  it('writes signature, IHDR, IDAT and IEND with the right dimensions', () => {
    const png = renderThumbnailPng('Employment contract');
    const chunks = parsePng(png);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const ihdr = chunks[0].data;
    expect(ihdr.length).toBe(13);
    expect(ihdr.readUInt32BE(0)).toBe(160);
    expect(ihdr.readUInt32BE(4)).toBe(226);
    expect([...ihdr.subarray(8)]).toEqual([8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no interlace
    expect(chunks[2].data.length).toBe(0);
  });

  it('has a correct CRC on every chunk', () => {
    for (const c of parsePng(renderThumbnailPng('CRC check', 33, 47))) {
      expect(c.crc, `${c.type} CRC`).toBe(referenceCrc32(c.covered));
    }
  });

  it('implements CRC-32 identically to the reference', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926); // standard check value
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff));
    expect(crc32(data)).toBe(referenceCrc32(data));
  });

  it('inflates IDAT to height rows of filter byte + RGB pixels', () => {
    const [width, height] = [160, 226];
    const chunks = parsePng(renderThumbnailPng('Rows', width, height));
    const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
    const raw = zlib.inflateSync(idat);
    expect(raw.length).toBe(height * (1 + width * 3));
    for (let y = 0; y < height; y++) expect(raw[y * (1 + width * 3)]).toBe(0);

    // Page-like picture: coloured band at the top, white page, grey bars.
    const band = pixel(raw, width, width / 2, 10);
    expect(band).not.toEqual([255, 255, 255]);
    const colours = new Set<string>();
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) colours.add(pixel(raw, width, x, y).join(','));
    expect(colours.has('255,255,255')).toBe(true);
    expect(colours.has('190,190,190')).toBe(true);
  });

  it('honours custom sizes', () => {
    const ihdr = parsePng(renderThumbnailPng('Small', 1, 1))[0].data;
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)]).toEqual([1, 1]);
  });

  it('derives the header colour from the title, deterministically', () => {
    const bandColour = (title: string) => {
      const idat = parsePng(renderThumbnailPng(title)).find((c) => c.type === 'IDAT')!.data;
      return pixel(zlib.inflateSync(idat), 160, 80, 10).join(',');
    };
    expect(renderThumbnailPng('Same').equals(renderThumbnailPng('Same'))).toBe(true);
    const titles = ['Invoice', 'Contract', 'Letter', 'Report', 'Quote'];
    expect(new Set(titles.map(bandColour)).size).toBeGreaterThan(1);
  });

  it('rejects invalid dimensions', () => {
    expect(() => renderThumbnailPng('x', 0, 10)).toThrow(RangeError);
    expect(() => renderThumbnailPng('x', 10.5, 10)).toThrow(RangeError);
    expect(() => renderThumbnailPng('x', 10, 100_000)).toThrow(RangeError);
  });
});
