import type { Paragraph, Table } from 'docx';
import { deterministicZip, zipEntries } from './assessment-archive.renderer.js';
import { assessmentLayout, cellText, type AssessmentDocumentInput, type LayoutBlock, type LayoutTable } from './assessment-layout.renderer.js';

export const DOCX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A4 with 2 cm margins: 17 cm of text, in twips. */
const BODY_TWIPS = Math.round((17 / 2.54) * 1440);

/** docx, imported on the first Word rendering (like PDFKit): its import is ~30 ms of every start otherwise. */
type Docx = typeof import('docx');

function table(d: Docx, t: LayoutTable): Array<Paragraph | Table> {
  const { AlignmentType, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } = d;
  const total = t.columns.reduce((s, c) => s + c.width, 0);
  const widths = t.columns.map((c) => Math.round((c.width / total) * BODY_TWIPS));
  const cell = (text: string, k: number, heading: boolean) => new TableCell({
    width: { size: widths[k]!, type: WidthType.DXA },
    children: [new Paragraph({
      alignment: t.columns[k]?.numeric && !heading ? AlignmentType.RIGHT : AlignmentType.LEFT,
      children: [new TextRun({ text, bold: heading, size: 17 })],
    })],
  });
  return [
    new Paragraph({ keepNext: true, children: [new TextRun({ text: t.caption, italics: true })] }),
    new Table({
      width: { size: BODY_TWIPS, type: WidthType.DXA },
      columnWidths: widths,
      rows: [
        new TableRow({ tableHeader: true, children: t.columns.map((c, k) => cell(c.title, k, true)) }),
        ...t.rows.map((row) => new TableRow({ children: row.map((v, k) => cell(cellText(v), k, false)) })),
      ],
    }),
    new Paragraph({ children: [] }),
  ];
}

function children(d: Docx, blocks: readonly LayoutBlock[]): Array<Paragraph | Table> {
  const { HeadingLevel, Paragraph, TextRun } = d;
  const headings = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;
  const out: Array<Paragraph | Table> = [];
  for (const b of blocks) {
    if (b.kind === 'heading') out.push(new Paragraph({ heading: headings[b.level], children: [new TextRun(b.text)] }));
    else if (b.kind === 'paragraph') out.push(new Paragraph({ children: [new TextRun({ text: b.text, bold: b.style === 'strong', italics: b.style === 'note' })] }));
    else if (b.kind === 'table') out.push(...table(d, b));
    // A chart is printed as its table: a Word chart is an embedded workbook, out of proportion with a bar or two.
    else if (b.fallback) out.push(...table(d, b.fallback));
  }
  return out;
}

/**
 * docx stamps docProps/core.xml with the clock and the ZIP entries with the time of packing: both are
 * replaced by the document's day, and the archive written again, so the same assessment gives the same bytes.
 */
function fixTimes(packed: Uint8Array, day: string): Uint8Array {
  const stamp = `${day}T00:00:00Z`;
  const entries = zipEntries(packed).map((e) => e.path !== 'docProps/core.xml' ? e : {
    ...e,
    data: new TextDecoder().decode(e.data as Uint8Array)
      .replace(/(<dcterms:created[^>]*>)[^<]*(<\/dcterms:created>)/, `$1${stamp}$2`)
      .replace(/(<dcterms:modified[^>]*>)[^<]*(<\/dcterms:modified>)/, `$1${stamp}$2`),
  });
  return deterministicZip(entries, day);
}

/** The assessment as a Word document (Office Open XML); the same assessment gives the same bytes. */
export async function renderDocx(a: AssessmentDocumentInput): Promise<Uint8Array> {
  const layout = assessmentLayout(a);
  const d: Docx = await import('docx');
  const doc = new d.Document({
    creator: 'scoran-tracker', lastModifiedBy: 'scoran-tracker', title: layout.title, subject: layout.subject, ...(layout.stamp ? { description: layout.stamp } : {}), revision: 1,
    styles: { default: { document: { run: { font: 'Arial', size: 20 } } } },
    sections: [{
      properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 } } },
      children: children(d, layout.blocks),
    }],
  });
  return fixTimes(new Uint8Array(await d.Packer.toBuffer(doc)), layout.date);
}
