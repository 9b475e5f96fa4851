/**
 * The compliance report as an A4 PDF (pdfkit, standard Helvetica: no font
 * file to ship). Same document as the HTML page (`layout.ts`): headings,
 * labelled fields, bullet lists and tables drawn as simple rows, page numbers
 * at the foot of every page.
 */
import PDFDocument from 'pdfkit';
import { layoutComplianceReport, type Block, type DocField, type DocRow } from './layout.js';
import type { ComplianceReport } from './model.js';

const MARGIN = 50;
const TEXT = '#111111';
const WARNING = '#8a3b00';
const RULE_GREY = '#999999';
const BODY_SIZE = 9.5;
const TABLE_SIZE = 8.5;
const CELL_PAD = 3;

/** Code points above 0xFF that WinAnsi (Windows-1252, the standard fonts' encoding) still has. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Text the standard fonts can draw: thin spaces become spaces, anything outside WinAnsi becomes "?". */
export function toWinAnsi(text: string): string {
  return [...text]
    .map((c) => {
      const code = c.codePointAt(0) ?? 0;
      if (c === '\n' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(c)) return c;
      if (c === '\u2011') return '-'; // non-breaking hyphen
      return /\s/.test(c) ? ' ' : '?';
    })
    .join('');
}

type Doc = PDFKit.PDFDocument;

const contentWidth = (doc: Doc): number => doc.page.width - doc.page.margins.left - doc.page.margins.right;
const bottom = (doc: Doc): number => doc.page.height - doc.page.margins.bottom;

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

function write(doc: Doc, text: string, options: { font?: string; size?: number; color?: string; indent?: number; gap?: number } = {}): void {
  const indent = options.indent ?? 0;
  doc
    .font(options.font ?? 'Helvetica')
    .fontSize(options.size ?? BODY_SIZE)
    .fillColor(options.color ?? TEXT)
    .text(toWinAnsi(text), MARGIN + indent, doc.y, { width: contentWidth(doc) - indent });
  doc.y += options.gap ?? 3;
}

function fields(doc: Doc, items: readonly DocField[]): void {
  for (const f of items) {
    ensureSpace(doc, 24);
    write(doc, f.label, { font: 'Helvetica-Bold', gap: 0 });
    write(doc, f.value, { color: f.missing ? WARNING : TEXT, indent: 12, gap: 4 });
  }
}

/**
 * Column widths from the text they hold: long columns get more room, and no
 * column is narrower than its longest word (a word cut in two reads badly).
 */
function columnWidths(doc: Doc, columns: readonly string[], rows: readonly DocRow[], total: number): number[] {
  const texts = columns.map((c, i) => [c, ...rows.map((r) => r.cells[i] ?? '')]);
  const shares = texts.map((t) => Math.min(60, Math.max(8, t.reduce((a, b) => a + b.length, 0) / t.length)));
  const sum = shares.reduce((a, b) => a + b, 0);
  // Measured in bold, the wider of the two fonts a cell may use.
  doc.font('Helvetica-Bold').fontSize(TABLE_SIZE);
  const minimums = texts.map((t) => {
    const longest = Math.max(...t.flatMap((text) => toWinAnsi(text).split(/\s+/)).map((w) => doc.widthOfString(w)));
    return Math.min(longest + 2 * CELL_PAD + 1, total / columns.length);
  });
  const widths = shares.map((w, i) => Math.max(minimums[i] ?? 0, (w / sum) * total));
  // Give back what the minimums took from the columns that have room to spare.
  const excess = widths.reduce((a, b) => a + b, 0) - total;
  const spare = widths.reduce((a, w, i) => a + (w - (minimums[i] ?? 0)), 0);
  return excess <= 0 || spare <= 0 ? widths : widths.map((w, i) => w - ((w - (minimums[i] ?? 0)) / spare) * excess);
}

function rowHeight(doc: Doc, cells: readonly string[], widths: readonly number[], font: string): number {
  doc.font(font).fontSize(TABLE_SIZE);
  return Math.max(...cells.map((c, i) => doc.heightOfString(toWinAnsi(c), { width: (widths[i] ?? 0) - 2 * CELL_PAD }))) + 2 * CELL_PAD;
}

function drawRow(doc: Doc, cells: readonly string[], widths: readonly number[], style: { font: string; color: string }): void {
  const height = rowHeight(doc, cells, widths, style.font);
  const top = doc.y;
  let x = MARGIN;
  cells.forEach((cell, i) => {
    const width = widths[i] ?? 0;
    doc.font(style.font).fontSize(TABLE_SIZE).fillColor(style.color).text(toWinAnsi(cell), x + CELL_PAD, top + CELL_PAD, { width: width - 2 * CELL_PAD });
    x += width;
  });
  doc
    .moveTo(MARGIN, top + height)
    .lineTo(MARGIN + widths.reduce((a, b) => a + b, 0), top + height)
    .lineWidth(0.5)
    .strokeColor(RULE_GREY)
    .stroke();
  doc.y = top + height;
}

/** A table as rows of wrapped cells; the header row is repeated at the top of each new page. */
function table(doc: Doc, columns: readonly string[], rows: readonly DocRow[]): void {
  const widths = columnWidths(doc, columns, rows, contentWidth(doc));
  const header = { font: 'Helvetica-Bold', color: TEXT };
  ensureSpace(doc, rowHeight(doc, columns, widths, header.font) + (rows[0] ? rowHeight(doc, rows[0].cells, widths, 'Helvetica') : 0));
  drawRow(doc, columns, widths, header);
  for (const row of rows) {
    if (doc.y + rowHeight(doc, row.cells, widths, 'Helvetica') > bottom(doc)) {
      doc.addPage();
      drawRow(doc, columns, widths, header);
    }
    drawRow(doc, row.cells, widths, { font: 'Helvetica', color: row.warning ? WARNING : TEXT });
  }
  doc.y += 6;
}

function block(doc: Doc, b: Block): void {
  switch (b.kind) {
    case 'heading':
      ensureSpace(doc, 40);
      doc.y += 4;
      write(doc, b.text, { font: 'Helvetica-Bold', size: 11 });
      return;
    case 'paragraph':
      write(doc, b.text, { color: b.warning ? WARNING : TEXT, gap: 5 });
      return;
    case 'fields':
      fields(doc, b.items);
      return;
    case 'list':
      for (const item of b.items) write(doc, `•  ${item}`, { color: b.warning ? WARNING : TEXT, indent: 8 });
      doc.y += 3;
      return;
    case 'table':
      table(doc, b.columns, b.rows);
      return;
  }
}

/** "Page n / total" at the foot of every page, once the total is known. */
function numberPages(doc: Doc, label: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would otherwise make pdfkit start a new page.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor('#444444')
      .text(toWinAnsi(`${label} — page ${i - range.start + 1} / ${range.count}`), MARGIN, doc.page.height - MARGIN + 15, { width: contentWidth(doc), align: 'center', lineBreak: false });
    doc.page.margins.bottom = margin;
  }
}

/** The report as PDF bytes. `compress: false` keeps the page content readable (tests search it). */
export function renderCompliancePdf(report: ComplianceReport, options: { readonly compress?: boolean } = {}): Promise<Buffer> {
  const layout = layoutComplianceReport(report);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    compress: options.compress ?? true,
    lang: 'fr-FR',
    info: { Title: toWinAnsi(layout.title), Author: 'Vigie', Subject: toWinAnsi(layout.subtitle), CreationDate: new Date(report.generatedAt) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  write(doc, layout.title, { font: 'Helvetica-Bold', size: 16, gap: 2 });
  write(doc, layout.subtitle, { size: 10, gap: 8 });
  fields(doc, layout.meta);
  for (const section of layout.sections) {
    ensureSpace(doc, 60);
    doc.y += 8;
    write(doc, section.title, { font: 'Helvetica-Bold', size: 13, gap: 1 });
    doc.moveTo(MARGIN, doc.y).lineTo(MARGIN + contentWidth(doc), doc.y).lineWidth(1).strokeColor(TEXT).stroke();
    doc.y += 5;
    for (const b of section.blocks) block(doc, b);
  }
  doc.y += 8;
  write(doc, layout.footer, { size: 8, color: '#444444' });
  numberPages(doc, `Registre Vigie du ${report.generatedAt.slice(0, 10)}`);
  doc.end();
  return done;
}
