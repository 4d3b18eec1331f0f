/**
 * Proves the DOCX writer: the ZIP checksum is the standard CRC-32, the same input gives the same
 * bytes, text that XML cannot hold raw is escaped or dropped (the XML stays well-formed), and the
 * package has the parts Word needs.
 */
import { describe, expect, it } from 'vitest';
import { inflateRawSync } from 'node:zlib';
import { crc32 } from './zip.js';
import { renderExecutionDocx } from './docx.js';

const opts = {
  title: 'Offer <A&B>', flowName: 'Sales "Q1"', executionId: 'e1', createdAt: '2026-11-22T10:00:00.000Z',
  body: 'line one\nline\u0001two \u{1F600}', inputValues: [{ label: 'Name', value: 'Ann & Bob' }],
};

/** The first entry named `name`, read from its local header. */
function entry(zip: Buffer, name: string): string {
  let at = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    const size = zip.readUInt32LE(at + 18);
    const nameLen = zip.readUInt16LE(at + 26);
    const start = at + 30 + nameLen + zip.readUInt16LE(at + 28);
    if (zip.subarray(at + 30, at + 30 + nameLen).toString() === name) return inflateRawSync(zip.subarray(start, start + size)).toString('utf8');
    at = start + size;
  }
  throw new Error(`no ${name}`);
}

describe('renderExecutionDocx', () => {
  it('uses the standard CRC-32 (check value of "123456789")', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('is repeatable and escapes what XML cannot hold raw', () => {
    const a = renderExecutionDocx(opts);
    expect(a.equals(renderExecutionDocx(opts))).toBe(true);
    const doc = entry(a, 'word/document.xml');
    expect(doc).toContain('Offer &lt;A&amp;B&gt;');
    expect(doc).toContain('Sales &quot;Q1&quot;');
    expect(doc).toContain('linetwo \u{1F600}'); // the control character is dropped
    expect(doc).toContain('Ann &amp; Bob');
    expect(entry(a, '[Content_Types].xml')).toContain('/word/document.xml');
    expect(entry(a, '_rels/.rels')).toContain('Target="word/document.xml"');
  });
});
