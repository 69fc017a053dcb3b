import { describe, expect, it } from '@jest/globals';
import { strFromU8, unzipSync } from 'fflate';
import * as d from 'docx';
import { buildAssessment } from './assessment-generator.js';
import type { AssessmentInput } from './assessment.model.js';
import { docxBody, renderDocx } from './assessment-docx.renderer.js';
import { assessmentLayout, cellText, type LayoutBlock, type LayoutTable } from './assessment-layout.renderer.js';

const BODY_TWIPS = Math.round((17 / 2.54) * 1440);

/** The same blocks built with docx's own Paragraph, TextRun and Table, as the renderer did before writing the body itself. */
function libraryChildren(blocks: readonly LayoutBlock[]): Array<d.Paragraph | d.Table> {
  const { AlignmentType, HeadingLevel, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } = d;
  const table = (t: LayoutTable) => {
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
  };
  const headings = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;
  const out: Array<d.Paragraph | d.Table> = [];
  for (const b of blocks) {
    if (b.kind === 'heading') out.push(new Paragraph({ heading: headings[b.level], children: [new TextRun(b.text)] }));
    else if (b.kind === 'paragraph') out.push(new Paragraph({ children: [new TextRun({ text: b.text, bold: b.style === 'strong', italics: b.style === 'note' })] }));
    else if (b.kind === 'table') out.push(...table(b));
    else if (b.fallback) out.push(...table(b.fallback));
  }
  return out;
}

async function libraryDocumentXml(blocks: readonly LayoutBlock[]): Promise<string> {
  const doc = new d.Document({
    styles: { default: { document: { run: { font: 'Arial', size: 20 } } } },
    sections: [{ properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 } } }, children: libraryChildren(blocks) }],
  });
  return strFromU8(unzipSync(new Uint8Array(await d.Packer.toBuffer(doc)))['word/document.xml']!);
}
const bodyOf = (documentXml: string) => documentXml.slice(documentXml.indexOf('<w:body>') + '<w:body>'.length, documentXml.indexOf('<w:sectPr>'));

const awkward = ['', ' lead and trail ', 'a & b < c > d', 'quotes " and \' and ’', 'line\nbreak\tand tab', 'control\u0001\u0008\u000b\u001f kept out', 'emoji 🚲 and \u202f', '<w:t>not markup</w:t>'];
const table = (caption: string, rows: LayoutTable['rows']): LayoutTable => ({
  kind: 'table', caption, columns: [{ title: 'Nom & « titre »', width: 3 }, { title: 'Valeur', numeric: true, width: 1 }, { title: '', width: 1.5 }], rows,
});

describe('the Word body written directly', () => {
  it('is what docx itself writes for every kind of block, awkward text included', async () => {
    const blocks: LayoutBlock[] = [
      ...awkward.flatMap((text, i): LayoutBlock[] => [
        { kind: 'heading', level: ((i % 3) + 1) as 1 | 2 | 3, text },
        { kind: 'paragraph', text }, { kind: 'paragraph', text, style: 'note' }, { kind: 'paragraph', text, style: 'strong' },
      ]),
      table('Tableau', awkward.map((text, i) => [text, i % 2 ? i * 1.5 : null, i % 3 ? text : -i])),
      table('', []),
      { kind: 'chart', title: 'Graphique', scale: 1, bars: [], fallback: table('Repli & <graphique>', [['a', 1, 'b']]) },
      { kind: 'chart', title: 'Sans repli', scale: 1, bars: [], fallback: null },
    ];
    expect(docxBody(blocks)).toBe(bodyOf(await libraryDocumentXml(blocks)));
  });

  it('gives the document docx gave when it built the whole body itself', async () => {
    const input: AssessmentInput = {
      roadmap: { roadmapId: 'r', title: 'Feuille de route', enjeux: [{ enjeuId: 'avenir', number: 4, title: 'Avenir & <numérique>' }] },
      version: 'V3',
      versions: [{ version: 'V4', status: 'adopted', adoptedOn: '2023-06-26' }, { version: 'V3', status: 'adopted', adoptedOn: '2019-03' }],
      until: null,
      sheets: [{
        sheetId: 'fibre', number: '2.1', title: 'Infrastructures « fibre »', enjeu: 'avenir', pilots: ['region'],
        outcome: { version: 'V3', outcome: 'carried_over', reason: null, explanation: null, on: null, nextVersion: 'V4', mergedInto: null }, nextNumber: '2.3',
        milestones: [{ milestoneId: 'a', title: 'Prises construites', due: '2022', reachedOn: '2022-11-30', reached: '2022-11', rescheduled: 1 }],
        indicators: [{ indicatorId: 'part', name: 'Part des prises', unit: 'percent', targets: [{ value: 82, qualifier: 'exact', by: '2022-12-31', due: '2022', territory: '24', zone: null, label: null }], reportCount: 2, series: [{ zone: null, last: { observedOn: '2022-12-31', observed: '2022-Q4', value: 80, qualifier: 'exact' }, previous: { observedOn: '2018-12-31', observed: '2018-Q4', value: 44, qualifier: 'about' } }] }],
      }],
    };
    const assessment = buildAssessment(input);
    const blocks = assessmentLayout(assessment).blocks;
    expect(blocks.some((b) => b.kind === 'table')).toBe(true);
    const rendered = strFromU8(unzipSync(await renderDocx(assessment))['word/document.xml']!);
    expect(rendered).toBe(await libraryDocumentXml(blocks));
  });
});
