/**
 * Renders the PDF "document" an execution produces.
 *
 * Text is drawn with raw PDF text operators and fixed font resource names
 * (F1/F2) instead of `page.drawText`, because pdf-lib names font resources
 * with a Math.random() suffix, which would make every render differ. With
 * fixed names and dates taken from `createdAt`, the same input gives the
 * same bytes.
 */
// pdf-lib is loaded at the first render, not at start-up: importing it was about 0.4 s of CPU,
// the largest module of the server's start (issue 17). Types only here.
import type { ColorTypes, PDFDocument, PDFFont, PDFPage, RGB } from 'pdf-lib';
import type { DocumentSource } from '../../store/types.js';

/** What a document is rendered from (kept with the document, so DOCX and PDF render the same source). */
export type ExecutionPdfOptions = DocumentSource;

/** Per-value cap (labels and values), so one huge input cannot bloat the PDF. */
export const MAX_VALUE_CHARS = 2_000;
/** Cap on rendered lines in the input-values table. */
export const MAX_INPUT_LINES = 500;
/** Body cap: the body is generated from inputs, so it gets a guard too. */
export const MAX_BODY_CHARS = 100_000;

// A4 in PDF points.
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN = 50;
const FOOTER_Y = 30;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const LABEL_COLUMN_WIDTH = 160;
const COLUMN_GAP = 12;
const VALUE_COLUMN_WIDTH = CONTENT_WIDTH - LABEL_COLUMN_WIDTH - COLUMN_GAP;

type PdfLib = typeof import('pdf-lib');
const loadPdfLib = (): Promise<PdfLib> => import('pdf-lib');

/** pdf-lib's `rgb(r, g, b)`: a plain record, so the colours need no pdf-lib at module load. */
type Rgb = RGB;
const rgb = (red: number, green: number, blue: number): Rgb => ({ type: 'RGB' as ColorTypes.RGB, red, green, blue });
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.4, 0.4, 0.4);
const RULE = rgb(0.8, 0.8, 0.8);

/** A font plus the fixed resource name it is registered under on every page. */
interface FontRes {
  font: PDFFont;
  key: string;
  /** Code points the font's (WinAnsi) encoding can represent. */
  charset: Set<number>;
  /** Cached advance widths at 1pt, per character. */
  widths: Map<string, number>;
}

function fontRes(font: PDFFont, key: string): FontRes {
  return { font, key, charset: new Set(font.getCharacterSet()), widths: new Map() };
}

/**
 * Replaces what the standard font cannot encode with '?', since pdf-lib
 * throws on such characters (emoji, CJK, control characters).
 * Tabs become spaces; line breaks are handled by the caller.
 */
function sanitize(text: string, f: FontRes): string {
  let out = '';
  for (const ch of text) {
    if (ch === '\t') out += ' ';
    else if (ch === '\n' || ch === '\r') out += ch; // kept for wrap(), which starts a new line there
    else out += f.charset.has(ch.codePointAt(0)!) ? ch : '?';
  }
  return out;
}

/** Truncates to `max` code points (not UTF-16 units, so no split surrogates). */
function capChars(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join('') + '…';
}

/**
 * Width as drawn by a plain Tj: the sum of glyph advances. (pdf-lib's
 * widthOfTextAtSize adds kerning, which Tj does not apply.)
 */
function charWidth(ch: string, size: number, f: FontRes): number {
  let w = f.widths.get(ch);
  if (w === undefined) {
    w = f.font.widthOfTextAtSize(ch, 1);
    f.widths.set(ch, w);
  }
  return w * size;
}

function textWidth(text: string, size: number, f: FontRes): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch, size, f);
  return w;
}

/**
 * Greedy word wrap of already-sanitized text. Explicit newlines start new
 * lines; words longer than the width are broken by character.
 */
function wrap(text: string, size: number, maxWidth: number, f: FontRes): string[] {
  const lines: string[] = [];
  const spaceWidth = charWidth(' ', size, f);
  for (const paragraph of text.split(/\r\n|\r|\n/)) {
    let line = '';
    let lineWidth = 0;
    for (const word of paragraph.split(/ +/)) {
      if (word === '') continue;
      const wordWidth = textWidth(word, size, f);
      const needed = line === '' ? wordWidth : lineWidth + spaceWidth + wordWidth;
      if (needed <= maxWidth) {
        line = line === '' ? word : `${line} ${word}`;
        lineWidth = needed;
        continue;
      }
      if (line !== '') lines.push(line);
      line = '';
      lineWidth = 0;
      if (wordWidth <= maxWidth) {
        line = word;
        lineWidth = wordWidth;
        continue;
      }
      // Hard-break an over-long word; the last piece continues the line.
      for (const ch of word) {
        const w = charWidth(ch, size, f);
        if (line !== '' && lineWidth + w > maxWidth) {
          lines.push(line);
          line = '';
          lineWidth = 0;
        }
        line += ch;
        lineWidth += w;
      }
    }
    lines.push(line); // keeps empty paragraphs as blank lines
  }
  return lines;
}

/** Parses createdAt; an unparsable value falls back to the epoch so output stays deterministic. */
function parseDate(value: string): Date {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? new Date(0) : d;
}

/** Lays text out top-down, adding A4 pages as the cursor runs off the bottom. */
class Layout {
  page!: PDFPage;
  y = 0;

  constructor(
    private readonly lib: PdfLib,
    private readonly doc: PDFDocument,
    private readonly fonts: FontRes[],
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    for (const f of this.fonts) this.page.node.setFontDictionary(this.lib.PDFName.of(f.key), f.font.ref);
    this.y = PAGE_HEIGHT - MARGIN;
  }

  /** Ensures `height` fits above the footer, otherwise starts a new page. */
  reserve(height: number): void {
    if (this.y - height < MARGIN) this.newPage();
  }

  /** Draws one pre-wrapped line at the cursor's baseline (no cursor move). */
  text(line: string, x: number, size: number, f: FontRes, color: Rgb = BLACK): void {
    if (line === '') return;
    drawLine(this.lib, this.page, line, x, this.y - size, size, f, color);
  }

  /** Wraps and draws a block of text, one line after another. */
  paragraph(text: string, size: number, f: FontRes, color: Rgb = BLACK, lineGap = 1.35): void {
    const lineHeight = size * lineGap;
    for (const line of wrap(sanitize(text, f), size, CONTENT_WIDTH, f)) {
      this.reserve(lineHeight);
      this.text(line, MARGIN, size, f, color);
      this.y -= lineHeight;
    }
  }

  rule(): void {
    this.reserve(12);
    this.y -= 6;
    this.page.drawLine({
      start: { x: MARGIN, y: this.y },
      end: { x: PAGE_WIDTH - MARGIN, y: this.y },
      thickness: 0.75,
      color: RULE,
    });
    this.y -= 12;
  }

  space(height: number): void {
    this.y -= height;
  }
}

function drawLine(lib: PdfLib, page: PDFPage, line: string, x: number, y: number, size: number, f: FontRes, color: Rgb): void {
  const { beginText, endText, moveText, setFillingRgbColor, setFontAndSize, showText } = lib;
  page.pushOperators(
    beginText(),
    setFillingRgbColor(color.red, color.green, color.blue),
    setFontAndSize(f.key, size),
    moveText(x, y),
    showText(f.font.encodeText(line)),
    endText(),
  );
}

/** Renders the execution's document as a PDF (A4, Helvetica). */
export async function renderExecutionPdf(opts: ExecutionPdfOptions): Promise<Buffer> {
  const createdAt = parseDate(opts.createdAt);

  // updateMetadata:false stops pdf-lib stamping "now" into the Info dictionary.
  const lib = await loadPdfLib();
  const { PDFDocument, StandardFonts } = lib;
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(opts.title);
  doc.setAuthor('flowmock');
  doc.setSubject(opts.flowName);
  doc.setKeywords(['flowmock', `execution:${opts.executionId}`, `flow:${opts.flowName}`]);
  doc.setCreator('flowmock');
  doc.setProducer('flowmock (pdf-lib)');
  doc.setCreationDate(createdAt);
  doc.setModificationDate(createdAt);

  const regular = fontRes(await doc.embedFont(StandardFonts.Helvetica), 'F1');
  const bold = fontRes(await doc.embedFont(StandardFonts.HelveticaBold), 'F2');
  const layout = new Layout(lib, doc, [regular, bold]);

  // Header.
  layout.paragraph(opts.title || 'Untitled document', 18, bold, BLACK, 1.25);
  layout.space(4);
  layout.paragraph(`Flow: ${opts.flowName}`, 10, regular, GREY);
  layout.paragraph(`Execution: ${opts.executionId}`, 10, regular, GREY);
  layout.paragraph(`Created: ${opts.createdAt}`, 10, regular, GREY);
  layout.rule();

  // Body.
  const bodyChars = Array.from(opts.body);
  const body =
    bodyChars.length > MAX_BODY_CHARS
      ? `${bodyChars.slice(0, MAX_BODY_CHARS).join('')}\n… body truncated (${bodyChars.length - MAX_BODY_CHARS} more characters)`
      : opts.body;
  layout.paragraph(body, 11, regular);

  // Input values as a two-column table: bold label, wrapped value.
  layout.space(10);
  layout.reserve(40); // keep the heading with at least one row
  layout.paragraph('Input values', 13, bold);
  layout.rule();
  renderInputTable(layout, opts.inputValues, regular, bold);

  // Footer once the page count is known.
  const pages = doc.getPages();
  const footerId = sanitize(capChars(opts.executionId, 80), regular);
  pages.forEach((page, i) => {
    drawLine(lib, page, `flowmock · execution ${footerId} · page ${i + 1} of ${pages.length}`, MARGIN, FOOTER_Y, 8, regular, GREY);
  });

  const bytes = await doc.save({ useObjectStreams: false });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function renderInputTable(
  layout: Layout,
  inputValues: ExecutionPdfOptions['inputValues'],
  regular: FontRes,
  bold: FontRes,
): void {
  const size = 10;
  const lineHeight = size * 1.35;
  const valueX = MARGIN + LABEL_COLUMN_WIDTH + COLUMN_GAP;

  if (inputValues.length === 0) {
    layout.paragraph('(no input values)', size, regular, GREY);
    return;
  }

  let linesUsed = 0;
  let shown = 0;
  for (const { label, value } of inputValues) {
    const labelLines = wrap(sanitize(capChars(String(label), MAX_VALUE_CHARS), bold), size, LABEL_COLUMN_WIDTH, bold);
    const valueLines = wrap(sanitize(capChars(String(value), MAX_VALUE_CHARS), regular), size, VALUE_COLUMN_WIDTH, regular);
    const rowLines = Math.max(labelLines.length, valueLines.length);
    // Rows are kept whole; stop at the first one that would pass the cap.
    if (linesUsed + rowLines > MAX_INPUT_LINES) break;
    for (let i = 0; i < rowLines; i++) {
      layout.reserve(lineHeight);
      layout.text(labelLines[i] ?? '', MARGIN, size, bold);
      layout.text(valueLines[i] ?? '', valueX, size, regular);
      layout.space(lineHeight);
    }
    layout.space(3); // separates rows visually
    linesUsed += rowLines;
    shown++;
  }

  const remaining = inputValues.length - shown;
  if (remaining > 0) {
    layout.space(4);
    layout.paragraph(`… ${remaining} more input value${remaining === 1 ? '' : 's'} not shown`, size, regular, GREY);
  }
}
