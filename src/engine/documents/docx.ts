/**
 * Renders a document as DOCX (Office Open XML, WordprocessingML): the same content as the PDF
 * (title, flow, execution, body, input values) in a package Word and LibreOffice open. Built with
 * the small ZIP writer beside this file; repeatable bytes for the same input.
 */
import type { ExecutionPdfOptions } from './pdf.js';
import { MAX_BODY_CHARS, MAX_INPUT_LINES, MAX_VALUE_CHARS } from './pdf.js';
import { zip } from './zip.js';

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** XML 1.0 text: escaped, without the control characters XML cannot hold. */
function xmlText(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const cap = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

function paragraph(text: string, opts: { style?: string; bold?: boolean } = {}): string {
  const pPr = opts.style ? `<w:pPr><w:pStyle w:val="${opts.style}"/></w:pPr>` : '';
  const rPr = opts.bold ? '<w:rPr><w:b/></w:rPr>' : '';
  return `<w:p>${pPr}<w:r>${rPr}<w:t xml:space="preserve">${xmlText(text)}</w:t></w:r></w:p>`;
}

function table(rows: Array<{ label: string; value: string }>): string {
  const cell = (t: string, bold: boolean) => `<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr>${paragraph(t, { bold })}</w:tc>`;
  const border = '<w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="CCCCCC"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="CCCCCC"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="CCCCCC"/></w:tblBorders>';
  return `<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/>${border}</w:tblPr><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="6000"/></w:tblGrid>${
    rows.map((r) => `<w:tr>${cell(r.label, true)}${cell(r.value, false)}</w:tr>`).join('')}</w:tbl>`;
}

export function renderExecutionDocx(o: ExecutionPdfOptions): Buffer {
  const body: string[] = [
    paragraph(cap(o.title, MAX_VALUE_CHARS), { style: 'Title' }),
    paragraph(`Flow: ${cap(o.flowName, MAX_VALUE_CHARS)}`),
    paragraph(`Execution: ${o.executionId}`),
    paragraph(`Created: ${o.createdAt}`),
  ];
  for (const line of cap(o.body, MAX_BODY_CHARS).split(/\r?\n/)) body.push(paragraph(line));
  const values = o.inputValues.slice(0, MAX_INPUT_LINES).map((v) => ({ label: cap(v.label, MAX_VALUE_CHARS), value: cap(v.value, MAX_VALUE_CHARS) }));
  if (values.length) {
    body.push(paragraph('Input values', { style: 'Heading1' }));
    body.push(table(values));
  }
  const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const documentXml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ${W}><w:body>${body.join('')}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr></w:body></w:document>`;
  const stylesXml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles ${W}><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri"/><w:sz w:val="22"/></w:rPr></w:rPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:rPr><w:b/><w:sz w:val="40"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style></w:styles>`;
  const core = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>${xmlText(cap(o.title, 200))}</dc:title><dc:creator>flowmock</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">${xmlText(o.createdAt)}</dcterms:created></cp:coreProperties>`;
  const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`;
  const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`;
  const docRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`;
  const b = (s: string) => Buffer.from(s, 'utf8');
  return zip([
    { name: '[Content_Types].xml', data: b(contentTypes) },
    { name: '_rels/.rels', data: b(rels) },
    { name: 'word/document.xml', data: b(documentXml) },
    { name: 'word/_rels/document.xml.rels', data: b(docRels) },
    { name: 'word/styles.xml', data: b(stylesXml) },
    { name: 'docProps/core.xml', data: b(core) },
  ]);
}
