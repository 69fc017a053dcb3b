import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { elements, parseXml, pdfText, pdfTextRuns, requireTools, textOf, unzipEntry, zipListing } from '../support/document-readers.js';
import { startTestApp, type RunningApp } from '../support/test-app.js';
import { createHistoryRoadmap, createInfrastructureSheet, expectStatus, HISTORY_ROADMAP as ROADMAP, historySheet, INFRA } from '../support/roadmap-fixture.js';

const PATH = `/api/roadmaps/${ROADMAP}/versions/V3/assessment`;
const ODT = 'application/vnd.oasis.opendocument.text';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

interface Fetched { status: number; type: string | null; disposition: string | null; vary: string | null; bytes: Buffer }

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('assessment documents (ODT, DOCX, PDF) read back by independent readers', () => {
  let app: RunningApp;
  const get = async (query: string, headers: Record<string, string> = {}): Promise<Fetched> => {
    const res = await fetch(`${app.baseUrl}${PATH}${query}`, { headers });
    return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), vary: res.headers.get('vary'), bytes: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    requireTools('unzip', 'pdftotext', 'pdftohtml');
    app = await startTestApp();
    await createHistoryRoadmap(app);
    await createInfrastructureSheet(app);
    expectStatus(await app.call('POST', `/api/sheets/${INFRA}/milestones/fibre-2022/reached`, { body: { reachedOn: '2022-11-30' } }), 201, 'milestone');
    expectStatus(await app.call('POST', '/api/sheets', { body: historySheet('pass-numerique', '2.4', 'inclusion', { title: 'Pass numérique' }) }), 201, 'second sheet');
    expectStatus(await app.call('POST', '/api/sheets/pass-numerique/abandon', { body: { reason: 'insufficient_partners', explanation: 'Trop peu de structures partenaires.', effectiveOn: '2021-06-30' } }), 201, 'abandon');
  });
  afterAll(() => app?.close(true));

  it('ODT: mimetype first, content.xml has the headings, the sheet and its figures as typed cells', async () => {
    const r = await get('?format=odt');
    expect(r.status).toBe(200);
    expect(r.type).toBe(ODT);
    expect(r.disposition).toBe(`attachment; filename="bilan-${ROADMAP}-V3.odt"`);
    expect(zipListing(r.bytes)).toEqual(['mimetype', 'content.xml', 'styles.xml', 'meta.xml', 'META-INF/manifest.xml']);
    expect(unzipEntry(r.bytes, 'mimetype')).toBe(ODT);
    const content = parseXml(unzipEntry(r.bytes, 'content.xml'));
    const headings = elements(content, 'text:h').map((h) => squash(textOf(h)));
    expect(headings).toEqual(expect.arrayContaining([
      'Bilan de la version V3 — SCORAN (scénario de test)', 'Enjeu 2 — Favoriser l’accès aux infrastructures',
      '2.1 Suivi régional des infrastructures numériques', '2.4 Pass numérique', 'Reconduit dans la version suivante',
    ]));
    const rows = elements(content, 'table:table-row').map((row) => elements(row, 'table:table-cell'));
    const fibre = rows.find((cells) => textOf(cells[0]) === 'Part des prises FttH construites' && cells.length === 9)!;
    expect(fibre.map((c) => squash(textOf(c)))).toEqual(['Part des prises FttH construites', '%', '85', '31/03/2023', '80', '82', '31/12/2022', 'oui', 'en hausse']);
    expect(fibre[2]['@office:value-type']).toBe('float');
    expect(fibre[2]['@office:value']).toBe('85');
    const ftth = rows.find((cells) => textOf(cells[0]) === 'Prises FttH construites')!;
    expect(textOf(ftth[2])).toBe('1337268');
    const milestone = rows.find((cells) => textOf(cells[0]) === '82 % de prises construites')!;
    expect(milestone.map((c) => textOf(c))).toEqual(['82 % de prises construites', 'en 2022', '30/11/2022', 'atteint à temps', '0']);
    const meta = unzipEntry(r.bytes, 'meta.xml');
    expect(meta).toContain('<meta:creation-date>2019-03-01T00:00:00</meta:creation-date>');
  });

  it('DOCX: word/document.xml has the headings, the outcome and the figures', async () => {
    const r = await get('', { accept: DOCX });
    expect(r.status).toBe(200);
    expect(r.type).toBe(DOCX);
    expect(r.disposition).toBe(`attachment; filename="bilan-${ROADMAP}-V3.docx"`);
    const doc = parseXml(unzipEntry(r.bytes, 'word/document.xml'));
    const paragraphs = elements(doc, 'w:p');
    const headings = paragraphs.filter((p) => /^Heading\d$/.test(elements(p, 'w:pStyle')[0]?.['@w:val'] ?? '')).map((p) => textOf(elements(p, 'w:t')));
    expect(headings).toEqual(expect.arrayContaining(['Bilan de la version V3 — SCORAN (scénario de test)', '2.1 Suivi régional des infrastructures numériques', 'Synthèse par enjeu']));
    expect(paragraphs.map((p) => textOf(elements(p, 'w:t')))).toContain('Issue : abandonnée (partenaires insuffisants) le 30 juin 2021');
    const rows = elements(doc, 'w:tr').map((tr) => elements(tr, 'w:tc').map((tc) => textOf(elements(tc, 'w:t'))));
    expect(rows).toContainEqual(['Part des prises FttH construites', '%', '85', '31/03/2023', '80', '82', '31/12/2022', 'oui', 'en hausse']);
    // The chart of indicators against targets is a table in DOCX.
    expect(rows).toContainEqual(['2.1', 'Part des prises FttH construites', '85', '82', '104']);
    const core = unzipEntry(r.bytes, 'docProps/core.xml');
    expect(core).toMatch(/<dcterms:created[^>]*>2019-03-01T00:00:00Z</);
  });

  it('PDF: pdftotext finds the title, the sheets and the figures', async () => {
    const r = await get('', { accept: 'text/html;q=0.5, application/pdf' });
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/pdf');
    expect(r.disposition).toBe(`inline; filename="bilan-${ROADMAP}-V3.pdf"`);
    const text = pdfText(r.bytes);
    const lines = text.split('\n').map(squash);
    expect(squash(text)).toContain('Bilan de la version V3 — SCORAN (scénario de test)');
    expect(squash(text)).toContain('Période : depuis l’adoption, en mars 2019 (version en vigueur).');
    expect(lines).toContain('2.4 Pass numérique');
    expect(lines.some((l) => /^Part des prises FttH construites % 85 31\/03\/2023 80 82 31\/12\/2022 oui en hausse$/.test(l))).toBe(true);
    expect(lines.some((l) => /^Prises FttH construites nombre 1337268 31\/03\/2023\b/.test(l))).toBe(true);
    expect(lines.some((l) => /^82 % de prises construites en 2022 30\/11\/2022 atteint à temps 0$/.test(l))).toBe(true);
    // The bar chart's caption of each bar.
    expect(squash(text)).toContain('104 % (85 % / 82 %)');
    // A table's caption in its own font (italic, 8.5 pt), not its cells' (7.5 pt).
    const runs = pdfTextRuns(r.bytes);
    const caption = runs.find((x) => x.text.startsWith('Indicateurs de la fiche'));
    const cell = runs.find((x) => x.text === 'Part des prises FttH construites');
    expect(caption).toMatchObject({ family: expect.stringMatching(/Oblique|Italic/) });
    expect(cell).toMatchObject({ family: expect.not.stringMatching(/Oblique|Italic|Bold/) });
    expect(caption!.size).toBeGreaterThan(cell!.size);
  });

  it('gives the same bytes on every request', async () => {
    for (const format of ['odt', 'docx', 'pdf', 'html']) {
      const first = await get(`?format=${format}&until=2023-12-31`);
      const second = await get(`?format=${format}&until=2023-12-31`);
      expect(first.status).toBe(200);
      expect(first.disposition).toContain(`bilan-${ROADMAP}-V3-au-2023-12-31.${format}`);
      expect(sha256(second.bytes)).toBe(sha256(first.bytes));
    }
  });

  it('negotiates on Accept, ?format= winning; JSON by default and for unknown types; 400 for an unknown format', async () => {
    expect((await get('', { accept: ODT })).type).toBe(ODT);
    expect((await get('?format=md', { accept: ODT })).type).toBe('text/markdown; charset=utf-8');
    expect((await get('', { accept: `${ODT};q=0.2, ${DOCX};q=0.9` })).type).toBe(DOCX);
    expect((await get('', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })).type).toBe('text/html; charset=utf-8');
    const json = await get('', { accept: 'image/png' });
    expect(json.type).toBe('application/json; charset=utf-8');
    expect(json.vary).toMatch(/accept/i);
    expect(JSON.parse(json.bytes.toString('utf8')).version).toBe('V3');
    expect((await get('', {})).type).toBe('application/json; charset=utf-8');
    expect((await get('?format=xlsx')).status).toBe(400);
  });
});
