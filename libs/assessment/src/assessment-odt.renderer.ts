import { deterministicZip } from './assessment-archive.renderer.js';
import { assessmentLayout, cellText, type AssessmentDocumentInput, type LayoutBlock, type LayoutTable } from './assessment-layout.renderer.js';

export const ODT_MEDIA_TYPE = 'application/vnd.oasis.opendocument.text';

const NS = {
  office: 'urn:oasis:names:tc:opendocument:xmlns:office:1.0',
  style: 'urn:oasis:names:tc:opendocument:xmlns:style:1.0',
  text: 'urn:oasis:names:tc:opendocument:xmlns:text:1.0',
  table: 'urn:oasis:names:tc:opendocument:xmlns:table:1.0',
  fo: 'urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0',
  meta: 'urn:oasis:names:tc:opendocument:xmlns:meta:1.0',
  dc: 'http://purl.org/dc/elements/1.1/',
  manifest: 'urn:oasis:names:tc:opendocument:xmlns:manifest:1.0',
} as const;
const xmlns = (...names: Array<keyof typeof NS>) => names.map((n) => `xmlns:${n}="${NS[n]}"`).join(' ');
const XML = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Text content and attribute values; characters XML 1.0 forbids are dropped rather than left to break the file. */
const x = (text: string) => text
  .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
  .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Text widths in a 17 cm wide body (A4 with 2 cm margins). */
const BODY_CM = 17;

function table(t: LayoutTable, n: number, styles: string[]): string {
  const name = `Tableau${n}`;
  const total = t.columns.reduce((s, c) => s + c.width, 0);
  styles.push(`<style:style style:name="${name}" style:family="table"><style:table-properties style:width="${BODY_CM}cm" table:align="margins" fo:margin-bottom="0.3cm"/></style:style>`);
  t.columns.forEach((c, k) => styles.push(`<style:style style:name="${name}.C${k}" style:family="table-column"><style:table-column-properties style:column-width="${((c.width / total) * BODY_CM).toFixed(3)}cm"/></style:style>`));
  const cell = (value: ReturnType<typeof cellText>, raw: LayoutTable['rows'][number][number], numeric: boolean, heading: boolean) => {
    const para = heading ? 'Table_20_Heading' : numeric ? 'Table_20_Number' : 'Table_20_Contents';
    // A number cell carries its value, so a reader (or a spreadsheet pasted into) gets the figure, not its text.
    const typed = typeof raw === 'number' ? `office:value-type="float" office:value="${raw}"` : 'office:value-type="string"';
    return `<table:table-cell table:style-name="Cellule" ${typed}><text:p text:style-name="${para}">${x(value)}</text:p></table:table-cell>`;
  };
  const out = [`<text:p text:style-name="Caption">${x(t.caption)}</text:p>`, `<table:table table:name="${name}" table:style-name="${name}">`];
  t.columns.forEach((_c, k) => out.push(`<table:table-column table:style-name="${name}.C${k}"/>`));
  out.push('<table:table-header-rows><table:table-row>', ...t.columns.map((c) => cell(c.title, c.title, false, true)), '</table:table-row></table:table-header-rows>');
  for (const row of t.rows) out.push('<table:table-row>', ...row.map((v, k) => cell(cellText(v), v, t.columns[k]?.numeric === true, false)), '</table:table-row>');
  out.push('</table:table>');
  return out.join('');
}

function body(blocks: readonly LayoutBlock[], styles: string[]): string {
  const out: string[] = [];
  let tables = 0;
  for (const b of blocks) {
    if (b.kind === 'heading') out.push(`<text:h text:style-name="Heading_20_${b.level}" text:outline-level="${b.level}">${x(b.text)}</text:h>`);
    else if (b.kind === 'paragraph') out.push(`<text:p text:style-name="${b.style === 'strong' ? 'Strong_20_Body' : b.style === 'note' ? 'Note_20_Body' : 'Text_20_body'}">${x(b.text)}</text:p>`);
    else if (b.kind === 'table') out.push(table(b, ++tables, styles));
    // A chart is printed as its table here: ODF charts are embedded spreadsheet objects, out of proportion with a bar or two.
    else if (b.fallback) out.push(table(b.fallback, ++tables, styles));
  }
  return out.join('\n');
}

function contentXml(blocks: readonly LayoutBlock[]): string {
  const automatic: string[] = [];
  const text = body(blocks, automatic);
  return `${XML}<office:document-content ${xmlns('office', 'style', 'text', 'table', 'fo')} office:version="1.3">`
    + `<office:automatic-styles><style:style style:name="Cellule" style:family="table-cell"><style:table-cell-properties fo:border="0.5pt solid #999999" fo:padding="0.05cm"/></style:style>${automatic.join('')}</office:automatic-styles>`
    + `<office:body><office:text>\n${text}\n</office:text></office:body></office:document-content>\n`;
}

const paragraphStyle = (name: string, display: string, props: string, parent = 'Standard') =>
  `<style:style style:name="${name}" style:display-name="${display}" style:family="paragraph" style:parent-style-name="${parent}">${props}</style:style>`;

function stylesXml(): string {
  const font = 'fo:font-family="\'Liberation Sans\', Arial, sans-serif"';
  return `${XML}<office:document-styles ${xmlns('office', 'style', 'text', 'table', 'fo')} office:version="1.3"><office:styles>`
    + `<style:default-style style:family="paragraph"><style:paragraph-properties fo:margin-bottom="0.2cm"/><style:text-properties ${font} fo:font-size="10pt" fo:language="fr" fo:country="FR"/></style:default-style>`
    + '<style:style style:name="Standard" style:family="paragraph" style:class="text"/>'
    + paragraphStyle('Text_20_body', 'Text body', '<style:paragraph-properties fo:margin-bottom="0.2cm"/>')
    + paragraphStyle('Strong_20_Body', 'Strong body', '<style:text-properties fo:font-weight="bold"/>', 'Text_20_body')
    + paragraphStyle('Note_20_Body', 'Note body', '<style:text-properties fo:font-style="italic" fo:color="#555555"/>', 'Text_20_body')
    + paragraphStyle('Heading', 'Heading', `<style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"/><style:text-properties fo:font-weight="bold" ${font}/>`)
    + paragraphStyle('Heading_20_1', 'Heading 1', '<style:text-properties fo:font-size="16pt"/>', 'Heading')
    + paragraphStyle('Heading_20_2', 'Heading 2', '<style:text-properties fo:font-size="13pt" fo:color="#1f3b63"/>', 'Heading')
    + paragraphStyle('Heading_20_3', 'Heading 3', '<style:text-properties fo:font-size="11pt"/>', 'Heading')
    + paragraphStyle('Caption', 'Caption', '<style:paragraph-properties fo:margin-top="0.2cm" fo:keep-with-next="always"/><style:text-properties fo:font-style="italic" fo:font-size="9pt"/>')
    + paragraphStyle('Table_20_Contents', 'Table Contents', '<style:paragraph-properties fo:margin-bottom="0cm"/><style:text-properties fo:font-size="8.5pt"/>')
    + paragraphStyle('Table_20_Number', 'Table Number', '<style:paragraph-properties fo:text-align="end"/>', 'Table_20_Contents')
    + paragraphStyle('Table_20_Heading', 'Table Heading', '<style:text-properties fo:font-weight="bold"/>', 'Table_20_Contents')
    + '</office:styles><office:automatic-styles><style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin="2cm"/></style:page-layout></office:automatic-styles>'
    + '<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="A4"/></office:master-styles></office:document-styles>\n';
}

function metaXml(layout: { title: string; subject: string; date: string; stamp: string | null }): string {
  const stamp = `${layout.date}T00:00:00`;
  return `${XML}<office:document-meta ${xmlns('office', 'meta', 'dc')} office:version="1.3"><office:meta>`
    + `<meta:generator>scoran-tracker</meta:generator><dc:title>${x(layout.title)}</dc:title><dc:subject>${x(layout.subject)}</dc:subject>`
    + (layout.stamp ? `<dc:description>${x(layout.stamp)}</dc:description>` : '')
    + `<dc:language>fr-FR</dc:language><meta:creation-date>${stamp}</meta:creation-date><dc:date>${stamp}</dc:date>`
    + '</office:meta></office:document-meta>\n';
}

const MANIFEST = `${XML}<manifest:manifest ${xmlns('manifest')} manifest:version="1.3">`
  + `<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="${ODT_MEDIA_TYPE}"/>`
  + '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
  + '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
  + '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
  + '</manifest:manifest>\n';

/** The assessment as an OpenDocument text; the same assessment gives the same bytes. */
export function renderOdt(a: AssessmentDocumentInput): Uint8Array {
  const layout = assessmentLayout(a);
  return deterministicZip([
    { path: 'mimetype', data: ODT_MEDIA_TYPE, stored: true },
    { path: 'content.xml', data: contentXml(layout.blocks) },
    { path: 'styles.xml', data: stylesXml() },
    { path: 'meta.xml', data: metaXml(layout) },
    { path: 'META-INF/manifest.xml', data: MANIFEST },
  ], layout.date);
}
