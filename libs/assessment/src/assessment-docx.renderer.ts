import { deterministicZip, zipEntries } from './assessment-archive.renderer.js';
import { assessmentLayout, cellText, type AssessmentDocumentInput, type LayoutBlock, type LayoutTable } from './assessment-layout.renderer.js';

export const DOCX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A4 with 2 cm margins: 17 cm of text, in twips. */
const BODY_TWIPS = Math.round((17 / 2.54) * 1440);

/** docx, imported on the first Word rendering (like PDFKit): its import is ~30 ms of every start otherwise. */
type Docx = typeof import('docx');

const ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&apos;', '<': '&lt;', '>': '&gt;' };
/** Text and attribute values escaped as docx escapes them; the control characters XML cannot hold are dropped, as docx drops them. */
const xml = (text: string) => text.replace(/[&"'<>\x00-\x08\x0B\x0C\x0E-\x1F]/g, (c) => ESCAPES[c] ?? '');

/** `<w:b/>` when on, `<w:b w:val="false"/>` when off: docx writes a property it was given either way. */
const onOff = (name: string, on: boolean) => (on ? `<w:${name}/><w:${name}Cs/>` : `<w:${name} w:val="false"/><w:${name}Cs w:val="false"/>`);

/** One run of text in one paragraph; `pPr` and `rPr` are the properties' XML, empty for none. */
const paragraph = (text: string, pPr: string, rPr: string) =>
  `<w:p>${pPr ? `<w:pPr>${pPr}</w:pPr>` : ''}<w:r>${rPr ? `<w:rPr>${rPr}</w:rPr>` : ''}<w:t xml:space="preserve">${xml(text)}</w:t></w:r></w:p>`;

const BORDER = 'w:val="single" w:color="auto" w:sz="4"';
const TABLE_BORDERS = `<w:tblBorders><w:top ${BORDER}/><w:left ${BORDER}/><w:bottom ${BORDER}/><w:right ${BORDER}/><w:insideH ${BORDER}/><w:insideV ${BORDER}/></w:tblBorders>`;

function table(out: string[], t: LayoutTable): void {
  const total = t.columns.reduce((s, c) => s + c.width, 0);
  const widths = t.columns.map((c) => Math.round((c.width / total) * BODY_TWIPS));
  const cell = (text: string, k: number, heading: boolean) =>
    `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${widths[k]}"/></w:tcPr>`
    + paragraph(text, `<w:jc w:val="${t.columns[k]?.numeric && !heading ? 'right' : 'left'}"/>`, `${onOff('b', heading)}<w:sz w:val="17"/><w:szCs w:val="17"/>`)
    + '</w:tc>';
  out.push(paragraph(t.caption, '<w:keepNext/>', '<w:i/><w:iCs/>'));
  out.push(`<w:tbl><w:tblPr><w:tblW w:type="dxa" w:w="${BODY_TWIPS}"/>${TABLE_BORDERS}</w:tblPr><w:tblGrid>${widths.map((w) => `<w:gridCol w:w="${w}"/>`).join('')}</w:tblGrid>`);
  out.push(`<w:tr><w:trPr><w:tblHeader/></w:trPr>${t.columns.map((c, k) => cell(c.title, k, true)).join('')}</w:tr>`);
  for (const row of t.rows) out.push(`<w:tr>${row.map((v, k) => cell(cellText(v), k, false)).join('')}</w:tr>`);
  out.push('</w:tbl><w:p/>');
}

/**
 * The blocks as the XML of the document's body, written directly: the same bytes as docx's own
 * Paragraph, TextRun and Table for these blocks (checked against it by the spec), without the object
 * tree docx builds and walks for each cell (~26 MB live and ~64 MB of garbage for the assessment of
 * a version with ten years of weekly reports, for a 650 KB body).
 */
export function docxBody(blocks: readonly LayoutBlock[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.kind === 'heading') out.push(paragraph(b.text, `<w:pStyle w:val="Heading${b.level}"/>`, ''));
    else if (b.kind === 'paragraph') out.push(paragraph(b.text, '', `${onOff('b', b.style === 'strong')}${onOff('i', b.style === 'note')}`));
    else if (b.kind === 'table') table(out, b);
    // A chart is printed as its table: a Word chart is an embedded workbook, out of proportion with a bar or two.
    else if (b.fallback) table(out, b.fallback);
  }
  return out.join('');
}

/**
 * docx writes the package (styles, numbering, settings, the section's properties) around an empty
 * body, and the body is put in; docx stamps docProps/core.xml with the clock and the ZIP entries with
 * the time of packing: both are replaced by the document's day, and the archive written again, so the
 * same assessment gives the same bytes.
 */
function repack(packed: Uint8Array, day: string, body: string): Uint8Array {
  const stamp = `${day}T00:00:00Z`;
  const entries = zipEntries(packed).map((e) => {
    if (e.path === 'word/document.xml') {
      const text = new TextDecoder().decode(e.data as Uint8Array);
      const at = text.indexOf('<w:body>') + '<w:body>'.length;
      if (at < '<w:body>'.length) throw new Error('docx wrote no <w:body> in word/document.xml');
      return { ...e, data: text.slice(0, at) + body + text.slice(at) };
    }
    if (e.path !== 'docProps/core.xml') return e;
    return {
      ...e,
      data: new TextDecoder().decode(e.data as Uint8Array)
        .replace(/(<dcterms:created[^>]*>)[^<]*(<\/dcterms:created>)/, `$1${stamp}$2`)
        .replace(/(<dcterms:modified[^>]*>)[^<]*(<\/dcterms:modified>)/, `$1${stamp}$2`),
    };
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
      children: [],
    }],
  });
  return repack(new Uint8Array(await d.Packer.toBuffer(doc)), layout.date, docxBody(layout.blocks));
}
