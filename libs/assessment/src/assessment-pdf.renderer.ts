import type PDFKit from 'pdfkit';
import { assessmentLayout, cellText, type AssessmentDocumentInput, type LayoutBlock, type LayoutChart, type LayoutTable } from './assessment-layout.renderer.js';

export const PDF_MEDIA_TYPE = 'application/pdf';

const MARGIN = 50;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const ITALIC = 'Helvetica-Oblique';
const CELL_PAD = 3;
const TABLE_SIZE = 7.5;

/**
 * The standard PDF fonts speak WinAnsi: the few characters of the wording outside it are spelt with
 * ones inside, instead of being dropped silently.
 */
const pdfText = (text: string) => text.replace(/→/g, '->').replace(/≥/g, '>=').replace(/\u202f/g, ' ');

type Doc = InstanceType<typeof PDFKit>;

class Writer {
  /** Line counts of the table cells measured so far in this document, by font, size, width and text. */
  private readonly lineCounts = new Map<string, number>();

  constructor(private readonly doc: Doc) {}

  private get width() { return this.doc.page.width - 2 * MARGIN; }
  private get bottom() { return this.doc.page.height - MARGIN; }

  /** Starts a new page when `height` more points do not fit on this one. */
  private room(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  heading(level: 1 | 2 | 3, text: string): void {
    const size = level === 1 ? 16 : level === 2 ? 13 : 11;
    this.room(size * 3);
    this.doc.moveDown(level === 1 ? 0 : 0.6).font(BOLD).fontSize(size).fillColor(level === 2 ? '#1f3b63' : 'black')
      .text(pdfText(text), MARGIN, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3).fillColor('black');
  }

  paragraph(text: string, style?: 'note' | 'strong'): void {
    this.doc.font(style === 'strong' ? BOLD : style === 'note' ? ITALIC : FONT).fontSize(9.5).fillColor(style === 'note' ? '#555555' : 'black')
      .text(pdfText(text), MARGIN, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3).fillColor('black');
  }

  table(t: LayoutTable): void {
    const total = t.columns.reduce((s, c) => s + c.width, 0);
    const widths = t.columns.map((c) => (c.width / total) * this.width);
    // A cell is laid out by PDFKit's line wrapper (thousands of small allocations each time) once per
    // distinct text, font and width of the document: most cells repeat (units, qualifiers, dates).
    // Its line count serves both the page-break check and the drawing.
    const measure = (cells: string[], font: string, size: number): number[] => {
      this.doc.font(font).fontSize(size);
      return cells.map((text, k) => this.lineCount(text, font, size, widths[k]! - 2 * CELL_PAD));
    };
    const rowHeight = (lines: number[], font: string, size: number) => {
      this.doc.font(font).fontSize(size);
      return Math.max(...lines.map((n) => this.linesHeight(n))) + 2 * CELL_PAD;
    };
    const drawRow = (cells: string[], font: string, header: boolean, lines: number[]) => {
      const size = header ? headerSize : TABLE_SIZE;
      const h = rowHeight(lines, font, size);
      const top = this.doc.y;
      let left = MARGIN;
      cells.forEach((text, k) => {
        const w = widths[k]!;
        if (header) this.doc.rect(left, top, w, h).fill('#e8edf3');
        this.doc.rect(left, top, w, h).lineWidth(0.4).stroke('#999999');
        this.doc.fillColor('black').font(font).fontSize(size);
        this.cell(text, left + CELL_PAD, top + CELL_PAD, w - 2 * CELL_PAD, !header && t.columns[k]?.numeric ? 'right' : 'left', lines[k]!);
        left += w;
      });
      this.doc.x = MARGIN;
      this.doc.y = top + h;
    };
    const header = t.columns.map((c) => pdfText(c.title));
    const headerSize = this.fittingSize(header, widths);
    const headerLines = measure(header, BOLD, headerSize);
    const headerHeight = rowHeight(headerLines, BOLD, headerSize);
    const rows = t.rows.map((r) => r.map((v) => pdfText(cellText(v))));
    this.doc.font(ITALIC).fontSize(8.5);
    const captionHeight = this.doc.heightOfString(pdfText(t.caption));
    const first = rows[0] ? measure(rows[0], FONT, TABLE_SIZE) : null;
    this.room(captionHeight + headerHeight + (first ? rowHeight(first, FONT, TABLE_SIZE) : 0) + 8);
    // Measuring the first row set the cells' font: the caption is drawn in its own, as measured.
    this.doc.font(ITALIC).fontSize(8.5).text(pdfText(t.caption), MARGIN, this.doc.y, { width: this.width });
    this.doc.moveDown(0.2);
    drawRow(header, BOLD, true, headerLines);
    rows.forEach((cells, i) => {
      const lines = i === 0 ? first! : measure(cells, FONT, TABLE_SIZE);
      // The header is repeated on each page the table runs onto.
      if (this.doc.y + rowHeight(lines, FONT, TABLE_SIZE) > this.bottom) { this.doc.addPage(); drawRow(header, BOLD, true, headerLines); }
      drawRow(cells, FONT, false, lines);
    });
    this.doc.moveDown(0.6);
  }

  /** Lines of `text` in the current font (`font` at `size`) at this width, as PDFKit wraps it. */
  private lineCount(text: string, font: string, size: number, width: number): number {
    const key = `${font}\u0000${size}\u0000${width}\u0000${text}`;
    let lines = this.lineCounts.get(key);
    if (lines === undefined) {
      lines = Math.round(this.doc.heightOfString(text, { width }) / this.doc.currentLineHeight(true));
      this.lineCounts.set(key, lines);
    }
    return lines;
  }

  /** The height `heightOfString` gives for that many lines here in the current font: the same additions from the same `y`. */
  private linesHeight(lines: number): number {
    const lineHeight = this.doc.currentLineHeight(true);
    const from = this.doc.y;
    let y = from;
    for (let k = 0; k < lines; k++) y += lineHeight;
    return y - from;
  }

  /**
   * A table cell's text in the current font, `lines` being its line count at this width. One line is
   * written as PDFKit's wrapper would write it, without laying it out again: at the left edge, or at
   * the right one less its width without trailing spaces (as PDFKit aligns); any other count, and
   * text with a break or a soft hyphen of its own, go through the wrapper.
   */
  private cell(text: string, x: number, y: number, width: number, align: 'left' | 'right', lines: number): void {
    // An empty cell too: the wrapper may start a page for it near the bottom, and so it still does.
    if (lines !== 1 || /[\n\r\v\f\u0085\u00ad\u2028\u2029]/.test(text)) {
      this.doc.text(text, x, y, { width, align });
      return;
    }
    // The wrapper's line width is `width` at its horizontal scaling (100 %), computed as it does.
    const at = align === 'right' ? x + ((width * 100) / 100 - this.doc.widthOfString(text.replace(/\s+$/, ''))) : x;
    this.doc.text(text, at, y, { lineBreak: false });
  }

  /** The header size at which no word of a column title has to be cut (narrow figure columns have long titles). */
  private fittingSize(titles: string[], widths: number[]): number {
    this.doc.font(BOLD).fontSize(TABLE_SIZE);
    const scale = Math.min(1, ...titles.flatMap((t, k) => t.split(/\s+/).map((word) => (widths[k]! - 2 * CELL_PAD) * 0.92 / this.doc.widthOfString(word))));
    return Math.max(5, Math.floor(TABLE_SIZE * scale * 10) / 10);
  }

  /** Page numbers, written once every page exists (the pages are buffered). */
  footers(title: string): void {
    const range = this.doc.bufferedPageRange();
    for (let k = range.start; k < range.start + range.count; k++) {
      this.doc.switchToPage(k);
      // Below the bottom margin: lift it for the footer, else PDFKit would start a new page.
      const bottom = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      this.doc.font(FONT).fontSize(7).fillColor('#555555')
        .text(pdfText(`${title} — page ${k + 1} / ${range.count}`), MARGIN, this.doc.page.height - MARGIN + 16, { width: this.width, align: 'center', lineBreak: false });
      this.doc.page.margins.bottom = bottom;
    }
  }

  /** Horizontal bars drawn with vector operations: one per label, stacked segments, an optional mark (the target). */
  chart(c: LayoutChart): void {
    const labelWidth = this.width * 0.32;
    const noteWidth = this.width * 0.22;
    const barWidth = this.width - labelWidth - noteWidth - 12;
    const barHeight = 9;
    const step = 14;
    const legends = [...new Map(c.bars.flatMap((b) => b.segments).map((s) => [s.legend, s.colour])).entries()];
    this.room(30 + Math.min(c.bars.length, 4) * step);
    this.doc.font(ITALIC).fontSize(8.5).text(pdfText(c.title), MARGIN, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
    for (const bar of c.bars) {
      this.room(step + 4);
      const top = this.doc.y;
      this.doc.font(FONT).fontSize(7.5).fillColor('black').text(pdfText(bar.label), MARGIN, top + 1, { width: labelWidth - 6, height: step, ellipsis: true, lineBreak: false });
      let left = MARGIN + labelWidth;
      this.doc.rect(left, top, barWidth, barHeight).fill('#f1f1f1');
      for (const s of bar.segments) {
        const w = (Math.max(0, s.value) / c.scale) * barWidth;
        if (w > 0) this.doc.rect(left, top, w, barHeight).fill(s.colour);
        left += w;
      }
      if (bar.mark !== null) {
        const x = MARGIN + labelWidth + (bar.mark / c.scale) * barWidth;
        this.doc.moveTo(x, top - 2).lineTo(x, top + barHeight + 2).lineWidth(1).stroke('black');
      }
      this.doc.fillColor('black').text(pdfText(bar.note), MARGIN + labelWidth + barWidth + 8, top + 1, { width: noteWidth, lineBreak: false });
      this.doc.x = MARGIN;
      this.doc.y = top + step;
    }
    if (legends.length > 1 || c.bars.some((b) => b.mark !== null)) {
      let left = MARGIN + labelWidth;
      const top = this.doc.y + 2;
      this.doc.font(FONT).fontSize(7);
      for (const [legend, colour] of legends.length > 1 ? legends : []) {
        this.doc.rect(left, top, 8, 7).fill(colour);
        this.doc.fillColor('black').text(pdfText(legend), left + 11, top, { lineBreak: false });
        left += 11 + this.doc.widthOfString(legend) + 12;
      }
      if (c.bars.some((b) => b.mark !== null)) this.doc.fillColor('black').text('| trait noir : la cible', left, top, { lineBreak: false });
      this.doc.x = MARGIN;
      this.doc.y = top + 12;
    }
    this.doc.moveDown(0.6);
  }
}

function write(doc: Doc, title: string, blocks: readonly LayoutBlock[]): void {
  const w = new Writer(doc);
  for (const b of blocks) {
    if (b.kind === 'heading') w.heading(b.level, b.text);
    else if (b.kind === 'paragraph') w.paragraph(b.text, b.style);
    else if (b.kind === 'table') w.table(b);
    else w.chart(b);
  }
  w.footers(title);
}

/**
 * The assessment as a PDF. The standard Helvetica fonts are referenced, not embedded (nothing to
 * subset with random tags); the creation and modification dates are the document's day, and the
 * file identifier, which PDFKit derives from the info dictionary, follows from them.
 */
export async function renderPdf(a: AssessmentDocumentInput): Promise<Uint8Array> {
  // Loaded on first use: PDFKit costs a start-up about 150 ms for what few requests need.
  const { default: PDFDocument } = await import('pdfkit');
  const layout = assessmentLayout(a);
  const day = new Date(`${layout.date}T00:00:00Z`);
  const doc = new PDFDocument({
    size: 'A4', margin: MARGIN, bufferPages: true, lang: 'fr-FR', displayTitle: true,
    info: { Title: layout.title, Subject: layout.subject, ...(layout.stamp ? { Keywords: layout.stamp } : {}), Creator: 'scoran-tracker', Producer: 'scoran-tracker (PDFKit)', CreationDate: day, ModDate: day },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  write(doc, `Bilan de la version ${a.version}`, layout.blocks);
  doc.end();
  return done;
}
