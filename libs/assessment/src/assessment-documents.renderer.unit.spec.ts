import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { strFromU8, unzipSync } from 'fflate';
import { buildAssessment } from './assessment-generator.js';
import type { AssessmentInput, SheetInput } from './assessment.model.js';
import { negotiateAssessmentFormat, renderAssessmentDocument, type AssessmentDocumentFormat } from './assessment-document.renderer.js';
import { assessmentLayout, type AssessmentDocumentInput } from './assessment-layout.renderer.js';
import { renderMarkdown } from './assessment-renderers.js';

const sheet = (over: Partial<SheetInput>): SheetInput => ({
  sheetId: 's', number: '1', title: 'Fiche', enjeu: 'avenir', pilots: ['region'],
  outcome: { version: 'V3', outcome: 'active', reason: null, explanation: null, on: null, nextVersion: null, mergedInto: null },
  nextNumber: null, milestones: [], indicators: [], ...over,
});

const input: AssessmentInput = {
  roadmap: { roadmapId: 'r', title: 'Feuille de route', enjeux: [{ enjeuId: 'avenir', number: 4, title: 'Avenir' }, { enjeuId: 'inclusion', number: 2, title: 'Inclusion' }] },
  version: 'V3',
  versions: [{ version: 'V4', status: 'adopted', adoptedOn: '2023-06-26' }, { version: 'V3', status: 'adopted', adoptedOn: '2019-03' }],
  until: null,
  sheets: [
    sheet({
      sheetId: 'fibre', number: '2.1', enjeu: 'inclusion', title: 'Infrastructures <numériques> & « fibre »',
      outcome: { version: 'V3', outcome: 'carried_over', reason: null, explanation: null, on: null, nextVersion: 'V4', mergedInto: null }, nextNumber: '2.3',
      milestones: [
        { milestoneId: 'a', title: 'Prises construites', due: '2022', reachedOn: '2022-11-30', reached: '2022-11', rescheduled: 1 },
        { milestoneId: 'b', title: 'CRSN infrastructures', due: '2022-Q4', uncertain: true, reachedOn: null, reached: null, rescheduled: 0 },
      ],
      indicators: [{ indicatorId: 'part', name: 'Part des prises', unit: 'percent', targets: [{ value: 82, qualifier: 'exact', by: '2022-12-31', due: '2022', territory: '24', zone: null, label: null }], reportCount: 2, series: [{ zone: null, last: { observedOn: '2022-12-31', observed: '2022-Q4', value: 80, qualifier: 'exact' }, previous: { observedOn: '2018-12-31', observed: '2018-Q4', value: 44, qualifier: 'about' } }] }],
    }),
    sheet({ sheetId: 'gone', number: '4.1', outcome: { version: 'V3', outcome: 'retired', reason: 'insufficient_partners', explanation: 'peu de partenaires', on: '2023-06-26', nextVersion: null, mergedInto: null } }),
  ],
};
const assessment = buildAssessment(input);
const FORMATS: AssessmentDocumentFormat[] = ['odt', 'docx', 'pdf'];

/** The DOS date and time of each local header of a ZIP, read without a ZIP library. */
function zipStamps(zip: Uint8Array): Array<{ name: string; date: number; time: number; method: number }> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out = [];
  let p = 0;
  while (view.getUint32(p, true) === 0x04034b50) {
    const nameLength = view.getUint16(p + 26, true);
    const name = new TextDecoder().decode(zip.subarray(p + 30, p + 30 + nameLength));
    out.push({ name, method: view.getUint16(p + 8, true), time: view.getUint16(p + 10, true), date: view.getUint16(p + 12, true) });
    p += 30 + nameLength + view.getUint16(p + 28, true) + view.getUint32(p + 18, true);
  }
  return out;
}
const dosDate = (y: number, m: number, d: number) => ((y - 1980) << 9) | (m << 5) | d;

describe('assessment documents (ODT, DOCX, PDF)', () => {
  afterEach(() => { jest.useRealTimers(); });

  it('lays out the same sections as the HTML, the data-quality findings included (saying so when there are none)', () => {
    const headings = (a: AssessmentDocumentInput) => assessmentLayout(a).blocks.filter((b) => b.kind === 'heading').map((b) => (b as { text: string }).text);
    expect(headings(assessment)).toEqual([
      'Bilan de la version V3 — Feuille de route', 'Synthèse par enjeu', 'Enjeu 2 — Inclusion', '2.1 Infrastructures <numériques> & « fibre »',
      'Enjeu 4 — Avenir', '4.1 Fiche', 'Qualité des données', 'Reconduit dans la version suivante',
    ]);
    expect(assessmentLayout({ ...assessment, findings: [] }).blocks).toContainEqual({ kind: 'paragraph', text: 'Aucune incohérence des sources n’a été relevée.' });
    expect(assessmentLayout(assessment).date).toBe('2023-06-25');
  });

  it('prints every date as the sources do and every approximate figure with its qualifier, in the text and in the tables', () => {
    const layout = assessmentLayout(assessment);
    const markdown = renderMarkdown(assessment);
    expect(markdown).toContain('Période : de l’adoption, en mars 2019, au 25 juin 2023');
    expect(markdown).toContain('80 % au 4e trimestre 2022');
    expect(markdown).toContain('environ 44 % au 4e trimestre 2018');
    expect(markdown).toContain('« CRSN infrastructures » (échéance au 4e trimestre 2022 ?) : manqué');
    expect(markdown).toContain('« Prises construites » (échéance en 2022) : atteint à temps en novembre 2022, reporté 1 fois');
    // No day the sources do not give, in a sentence or in a cell.
    for (const text of [markdown, JSON.stringify(layout.blocks)]) expect(text).not.toMatch(/2019-03-01|2022-12-31|2018-12-31|2022-11-30/);
    const tables = layout.blocks.filter((b): b is Extract<typeof b, { kind: 'table' }> => b.kind === 'table');
    const indicatorRow = tables.find((t) => t.caption.startsWith('Indicateurs de la fiche'))!.rows[0]!;
    expect(indicatorRow.slice(2, 7)).toEqual([80, 'au 4e trimestre 2022', 'environ 44 %', 82, 'en 2022']);
    expect(tables.find((t) => t.caption.startsWith('Jalons de la fiche'))!.rows.map((r) => r.slice(1, 3))).toEqual([['en 2022', 'en novembre 2022'], ['au 4e trimestre 2022 ?', null]]);
  });

  it('gives the same bytes whatever the clock says', async () => {
    const now = await Promise.all(FORMATS.map((f) => renderAssessmentDocument(assessment, f)));
    jest.useFakeTimers({ now: new Date('2031-07-14T12:34:56Z'), doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask'] });
    expect(new Date().getUTCFullYear()).toBe(2031);
    const later = await Promise.all(FORMATS.map((f) => renderAssessmentDocument(assessment, f)));
    FORMATS.forEach((f, k) => expect(later[k]!.body.equals(now[k]!.body)).toBe(true));
  });

  it('ODT: mimetype first and stored, every entry stamped with the period’s last day, XML escaped', async () => {
    const odt = (await renderAssessmentDocument(assessment, 'odt')).body;
    expect(odt.subarray(30, 38).toString()).toBe('mimetype');
    expect(odt.subarray(38, 38 + 39).toString()).toBe('application/vnd.oasis.opendocument.text');
    const stamps = zipStamps(new Uint8Array(odt));
    expect(stamps.map((s) => s.name)).toEqual(['mimetype', 'content.xml', 'styles.xml', 'meta.xml', 'META-INF/manifest.xml']);
    expect(stamps[0]!.method).toBe(0);
    for (const s of stamps) expect(s).toMatchObject({ date: dosDate(2023, 6, 25), time: 0 });
    const files = unzipSync(new Uint8Array(odt));
    expect(strFromU8(files['content.xml']!)).toContain('Infrastructures &lt;numériques&gt; &amp; « fibre »');
    expect(strFromU8(files['content.xml']!)).toContain('office:value-type="float" office:value="80"');
    expect(strFromU8(files['meta.xml']!)).toContain('<meta:creation-date>2023-06-25T00:00:00</meta:creation-date>');
  });

  it('DOCX: core properties and ZIP entries dated by the assessment, not by the packing', async () => {
    const docx = new Uint8Array((await renderAssessmentDocument(assessment, 'docx')).body);
    const core = strFromU8(unzipSync(docx)['docProps/core.xml']!);
    expect(core).toMatch(/<dcterms:created[^>]*>2023-06-25T00:00:00Z<\/dcterms:created>/);
    expect(core).toMatch(/<dcterms:modified[^>]*>2023-06-25T00:00:00Z<\/dcterms:modified>/);
    for (const s of zipStamps(docx)) expect(s).toMatchObject({ date: dosDate(2023, 6, 25), time: 0 });
  });

  it('PDF: dates and identifier fixed by the assessment', async () => {
    const pdf = (await renderAssessmentDocument(assessment, 'pdf')).body.toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    // PDFKit writes the info entries as indirect objects: follow the reference.
    const info = (key: string) => {
      const ref = new RegExp(`/${key} (\\d+) 0 R`).exec(pdf)?.[1];
      return ref ? new RegExp(`\\n${ref} 0 obj\\n([^\\n]*)`).exec(pdf)?.[1] : undefined;
    };
    expect(info('CreationDate')).toBe('(D:20230625000000Z)');
    expect(info('ModDate')).toBe('(D:20230625000000Z)');
    expect(pdf).toMatch(/\/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]/);
  });

  it('names the file after the roadmap, the version and the closing day', async () => {
    expect((await renderAssessmentDocument(assessment, 'pdf')).filename).toBe('bilan-r-V3.pdf');
    const until = buildAssessment({ ...input, until: '2020-12-31' });
    expect((await renderAssessmentDocument(until, 'docx')).filename).toBe('bilan-r-V3-au-2020-12-31.docx');
    expect((await renderAssessmentDocument(until, 'md')).contentType).toBe('text/markdown; charset=utf-8');
  });
});

describe('negotiateAssessmentFormat', () => {
  const ODT = 'application/vnd.oasis.opendocument.text';
  it('takes ?format= over Accept, and refuses an unknown format', () => {
    expect(negotiateAssessmentFormat('docx', 'application/pdf')).toBe('docx');
    expect(negotiateAssessmentFormat('xlsx', undefined)).toBeNull();
  });
  it('picks the known media type with the highest q, the first listed on a tie, JSON otherwise', () => {
    expect(negotiateAssessmentFormat(undefined, `application/pdf;q=0.4, ${ODT};q=0.9`)).toBe('odt');
    expect(negotiateAssessmentFormat(undefined, `application/pdf, ${ODT}`)).toBe('pdf');
    expect(negotiateAssessmentFormat(undefined, 'APPLICATION/PDF ; q=1')).toBe('pdf');
    expect(negotiateAssessmentFormat(undefined, 'application/pdf;q=0, text/markdown;q=0.1')).toBe('md');
    expect(negotiateAssessmentFormat(undefined, '*/*')).toBe('json');
    expect(negotiateAssessmentFormat(undefined, 'image/png')).toBe('json');
    expect(negotiateAssessmentFormat(undefined, undefined)).toBe('json');
  });
});
