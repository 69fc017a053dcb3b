import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadSeed, seedHook, type SeedSet } from '#seed';
import { parseCsv } from '../support/parse-csv.js';
import { startTestApp, type RunningApp } from '../support/test-app.js';

const ROADMAP = 'scoran-centre-val-de-loire';
const INFRA = 'suivi-regional-infrastructures-numeriques';
const REGION_TOTAL = 'ftth-region-total-built-excludes-amel';
/** French number formatting uses narrow no-break spaces; compare text with plain spaces. */
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

describe('data-quality findings, governance and provenance on the seeded SCORAN roadmap', () => {
  let app: RunningApp;
  let seed: SeedSet;
  let auditor: string;
  let pilot: string;

  beforeAll(async () => {
    app = await startTestApp({ hooks: [seedHook] });
    seed = loadSeed();
    const token = async (body: Record<string, unknown>) => (await app.call('POST', '/api/tokens', { body })).body.token as string;
    auditor = await token({ role: 'auditor' });
    pilot = await token({ role: 'pilot', organisationId: 'gip-recia' });
  }, 180_000);
  afterAll(async () => app?.close(true));

  const dataQuality = async (query = '') => {
    const r = await app.call('GET', `/api/roadmaps/${ROADMAP}/data-quality${query}`, { token: null });
    expect(r.status).toBe(200);
    return r.body as { knownAt: string | null; findings: Array<{ findingId: string; status: string; figures: Array<{ label: string; printed: unknown; recomputed: unknown }>; refersTo: unknown[]; provenance: unknown[]; resolution: unknown; withdrawal: unknown }>; discrepancies: Array<{ id: string }> };
  };

  it('lists every entry of discrepancies.json as an open finding, with its figures, what it refers to and its quotes', async () => {
    const body = await dataQuality();
    expect(body.findings.map((f) => f.findingId)).toEqual(seed.discrepancies.map((d) => d.id));
    expect(body.discrepancies.map((d) => d.id)).toEqual(seed.discrepancies.map((d) => d.id));
    for (const [k, d] of seed.discrepancies.entries()) {
      const f = body.findings[k]!;
      expect(f).toMatchObject({ status: 'open', refersTo: d.refersTo, provenance: d.provenance, resolution: null, withdrawal: null });
      expect(f.figures).toEqual(d.compared ?? Object.entries(d.figures).map(([label, printed]) => ({ label, printed, recomputed: null })));
    }
    expect(body.findings.find((f) => f.findingId === REGION_TOTAL)!.figures[0]).toMatchObject({ printed: 1337268, recomputed: 1401323 });
    expect((await dataQuality(`?sheetId=${INFRA}`)).findings.every((f) => JSON.stringify(f.refersTo).includes(INFRA))).toBe(true);
    expect((await app.call('GET', `/api/roadmaps/${ROADMAP}/data-quality?knownAt=yesterday`, { token: null })).status).toBe(400);
  });

  it('records, resolves and withdraws findings through the API, with their history and as known at any instant', async () => {
    const record = (findingId: string, token?: string | null) => app.call('POST', `/api/roadmaps/${ROADMAP}/findings`, {
      token,
      body: {
        findingId, description: 'Fiche 4.9 : 137 sites desservis, 134 comptés.',
        figures: [{ label: 'Sites desservis', printed: 137, recomputed: 134, recomputedAs: '107 + 27' }],
        refersTo: [{ sheetId: 'recor', indicatorId: 'sites-desservis' }],
        provenance: [{ section: 'Annexe 1 – fiche 4.9', quote: 'Nombre de sites desservis : 137' }],
      },
    });
    expect((await record('recor-sites-check', null)).status).toBe(401);
    expect((await record('recor-sites-check', pilot)).status).toBe(403);
    const before = new Date().toISOString();
    const recorded = await record('recor-sites-check');
    expect(recorded.status).toBe(201);
    expect((await record('recor-sites-check')).status).toBe(409);
    expect((await record(REGION_TOTAL)).status).toBe(409);
    const other = await record('recor-sites-misread');
    expect(other.status).toBe(201);

    const afterRecord = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const resolved = await app.call('POST', `/api/roadmaps/${ROADMAP}/findings/recor-sites-check/resolve`, { body: { resolution: 'Les 3 autres sites sont des centres de recherche.', on: '2024-01-31' } });
    expect(resolved.status).toBe(201);
    expect((await app.call('POST', `/api/roadmaps/${ROADMAP}/findings/recor-sites-check/resolve`, { body: { resolution: 'encore' } })).status).toBe(422);
    expect((await app.call('POST', `/api/roadmaps/${ROADMAP}/findings/recor-sites-check/withdraw`, { body: { reason: 'non' } })).status).toBe(422);
    expect((await app.call('POST', `/api/roadmaps/${ROADMAP}/findings/no-such-finding/resolve`, { body: { resolution: 'x' } })).status).toBe(404);
    expect((await app.call('POST', `/api/roadmaps/${ROADMAP}/findings/recor-sites-misread/withdraw`, { body: { reason: 'Lecture erronée.' }, token: pilot })).status).toBe(403);
    const withdrawn = await app.call('POST', `/api/roadmaps/${ROADMAP}/findings/recor-sites-misread/withdraw`, { body: { reason: 'Lecture erronée.' } });
    expect(withdrawn.status).toBe(201);

    const now = await app.call('GET', `/api/roadmaps/${ROADMAP}/findings/recor-sites-check`, { token: null });
    expect(now.body).toMatchObject({ status: 'resolved', resolution: { resolution: 'Les 3 autres sites sont des centres de recherche.', on: '2024-01-31' }, figures: [{ printed: 137, recomputed: 134 }] });
    expect((await app.call('GET', `/api/roadmaps/${ROADMAP}/findings/recor-sites-misread`, { token: null })).body).toMatchObject({ status: 'withdrawn', withdrawal: { reason: 'Lecture erronée.' } });

    const then = await app.call('GET', `/api/roadmaps/${ROADMAP}/findings/recor-sites-check?knownAt=${afterRecord}`, { token: null });
    expect(then.body).toMatchObject({ status: 'open', resolution: null });
    expect((await app.call('GET', `/api/roadmaps/${ROADMAP}/findings/recor-sites-check?knownAt=${before}`, { token: null })).status).toBe(404);
    expect((await dataQuality(`?knownAt=${before}`)).findings.map((f) => f.findingId)).toEqual(seed.discrepancies.map((d) => d.id));
    expect((await dataQuality('?status=withdrawn')).findings.map((f) => f.findingId)).toEqual(['recor-sites-misread']);

    expect((await app.call('GET', `/api/roadmaps/${ROADMAP}/findings/recor-sites-check/history`, { token: null })).status).toBe(401);
    const history = await app.call('GET', `/api/roadmaps/${ROADMAP}/findings/recor-sites-check/history`, { token: auditor });
    expect(history.status).toBe(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['DataQualityFindingRecorded', 'DataQualityFindingResolved']);
    expect(history.body.events[1]).toMatchObject({ actor: expect.stringMatching(/^admin:/), data: { findingId: 'recor-sites-check', on: '2024-01-31' } });
    const log = await app.call('GET', '/api/history?type=DataQualityFindingWithdrawn', { token: auditor });
    expect(log.status).toBe(200);
    expect(JSON.stringify(log.body)).toContain('recor-sites-misread');
  });

  it('the assessment of V4 lists the open and resolved findings, not the withdrawn ones', async () => {
    const json = await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V4/assessment?format=json`, { token: null });
    expect(json.status).toBe(200);
    const ids = (json.body.findings as Array<{ findingId: string }>).map((f) => f.findingId);
    expect(ids).toEqual(expect.arrayContaining([REGION_TOTAL, 'summary-page-numbers', 'recor-sites-check']));
    expect(ids).not.toContain('recor-sites-misread');
    expect(json.body.findings.find((f: { findingId: string }) => f.findingId === REGION_TOTAL)).toMatchObject({ status: 'open', sheets: [{ sheetId: INFRA, number: '2.1' }] });
    const md = (await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V4/assessment?format=md`, { token: null })).text;
    expect(md).toContain('## Qualité des données');
    expect(md).toContain('imprimé 1337268, recalculé 1401323');
    const html = (await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V4/assessment?format=html`, { token: null })).text;
    expect(html).toContain(`data-finding="${REGION_TOTAL}" data-status="open"`);
  });

  it('exports the findings as CSV and JSON, one row per finding and figure, with no actor', async () => {
    const csv = await app.call('GET', '/api/export/findings.csv', { token: null });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const [header, ...rows] = parseCsv(csv.text);
    const records = rows.map((r) => Object.fromEntries(header!.map((h, k) => [h, r[k]!])));
    expect(new Set(records.map((r) => r.findingId))).toEqual(new Set([...seed.discrepancies.map((d) => d.id), 'recor-sites-check', 'recor-sites-misread']));
    expect(records.find((r) => r.findingId === REGION_TOTAL)).toMatchObject({ status: 'open', printed: '1337268', recomputed: '1401323', sheetIds: INFRA, refersTo: `${INFRA}/prises-ftth-construites@24:tout` });
    expect(records.find((r) => r.findingId === 'recor-sites-check')).toMatchObject({ status: 'resolved', resolvedOn: '2024-01-31' });
    const json = await app.call('GET', '/api/export/findings.json?status=open', { token: null });
    expect(json.status).toBe(200);
    expect(json.body.find((r: { findingId: string }) => r.findingId === REGION_TOTAL)).toMatchObject({ printed: 1337268, recomputed: 1401323 });
    expect(json.body.every((r: { status: string }) => r.status === 'open')).toBe(true);
    expect(csv.text + JSON.stringify(json.body)).not.toMatch(/admin:|secretariat|correlationId/);
    expect((await app.call('GET', '/api/export/findings.csv?status=maybe', { token: null })).status).toBe(400);
  });

  it('a series point names the open findings about it: the regional all-zones total, not its zones', async () => {
    const series = await app.call('GET', `/api/sheets/${INFRA}/indicators/prises-ftth-construites/series`, { token: null });
    expect(series.status).toBe(200);
    const point = (territory: string, zone: string | null) => series.body.points.find((p: { territory: string; zone: string | null }) => p.territory === territory && p.zone === zone);
    expect(point('24', null)).toMatchObject({ value: 1337268, findings: [REGION_TOTAL] });
    expect(point('24', 'privee').findings).toEqual([]);
    expect(point('28', null).findings).toEqual([]);
  });

  it('the infrastructure page prints the note beside the Annexe 2 regional total, with printed and recomputed', async () => {
    const page = await app.call('GET', '/infrastructures', { token: null });
    expect(page.status).toBe(200);
    const text = plain(page.text);
    const section = text.split('<section class="infra"').find((s) => s.includes('prises-ftth-construites') || s.includes(`data-finding="${REGION_TOTAL}"`))!;
    expect(section).toBeDefined();
    const total = section.indexOf('total régional (ensemble) : 1 337 268');
    const note = section.indexOf(`<aside class="finding-note" role="note" aria-label="Incohérence du document source"><p data-finding="${REGION_TOTAL}">`);
    expect(total).toBeGreaterThan(0);
    // The note follows the total it is about, before the chart and the table.
    expect(note).toBeGreaterThan(total);
    expect(note).toBeLessThan(section.indexOf('<table'));
    expect(section.slice(note)).toMatch(/imprimé <strong>1 337 268<\/strong>, recalculé <strong>1 401 323<\/strong>/);
    // The public-zone shares of 37, 41 and 45 are marked in the table and noted under it.
    expect(text).toContain('data-finding="ftth-public-share-37"');
    expect(text).toMatch(/class="finding-mark" href="\/qualite-des-donnees#constat-ftth-public-share-37"/);
  });

  it('the data-quality page lists every finding; a sheet page notes its own', async () => {
    const page = await app.call('GET', '/qualite-des-donnees', { token: null });
    expect(page.status).toBe(200);
    for (const d of seed.discrepancies) expect(page.text).toContain(`id="constat-${d.id}"`);
    expect(page.text).toContain('aria-current="page">Qualité des données');
    const sheet = await app.call('GET', '/fiches/recor', { token: null });
    expect(sheet.status).toBe(200);
    expect(sheet.text).toContain('<li data-finding="recor-sites-sum">');
    // Resolved and withdrawn findings no longer sit beside the figures.
    expect(sheet.text).not.toContain('data-finding="recor-sites-check"');
  });

  it('serves each version\'s governance with its quotes, and shows it on the dashboard', async () => {
    const roadmap = await app.call('GET', `/api/roadmaps/${ROADMAP}`, { token: null });
    expect(roadmap.status).toBe(200);
    expect(roadmap.body.governance.V4.map((f: { factId: string }) => f.factId)).toEqual(seed.governance.facts.map((f) => f.factId));
    const v3 = await app.call('GET', `/api/roadmaps/${ROADMAP}/governance?version=V3`, { token: null });
    expect(v3.body.facts.map((f: { factId: string }) => f.factId)).toEqual(seed.governance.v3.map((f) => f.factId));
    expect(v3.body.facts[1]).toMatchObject({ kind: 'meetings', details: { dates: ['2019-09', '2020-07', '2021-04'] }, provenance: [{ section: 'Annexe 3 – 1. Gouvernance de la SCORAN V3' }] });
    expect((await app.call('GET', `/api/roadmaps/${ROADMAP}/governance?version=V9`, { token: null })).status).toBe(404);
    const overview = await app.call('GET', '/', { token: null });
    expect(overview.text).toContain('<h2 id="gouvernance">Gouvernance</h2>');
    expect(overview.text).toContain('data-fact="crsn-meeting-cadence"');
    expect(overview.text).toContain('La CRSN se réunit au moins une fois par an.');
  });

  it('provenance of every seeded fact is reachable for an auditor, not for the public nor a pilot', async () => {
    expect((await app.call('GET', `/api/sheets/${INFRA}/provenance`, { token: null })).status).toBe(401);
    expect((await app.call('GET', `/api/sheets/${INFRA}/provenance`, { token: pilot })).status).toBe(403);
    expect((await app.call('GET', `/api/roadmaps/${ROADMAP}/provenance`, { token: null })).status).toBe(401);
    const sheet = await app.call('GET', `/api/sheets/${INFRA}/provenance`, { token: auditor });
    expect(sheet.status).toBe(200);
    const seeded = sheet.body.facts.filter((f: { source: string }) => f.source === 'seed');
    expect(seeded.length).toBeGreaterThan(50);
    for (const f of seeded.filter((x: { type: string }) => x.type === 'IndicatorReported')) expect(f.provenance).toEqual([expect.objectContaining({ section: expect.any(String), quote: expect.any(String) })]);
    const total = seed.infrastructure.indicators.find((i) => i.indicatorId === 'prises-ftth-construites')!.reports!.find((r) => r.territory === '24' && r.zone === undefined)!;
    expect(sheet.body.facts.some((f: { subject: { indicatorId?: string }; provenance: unknown }) => f.subject.indicatorId === 'prises-ftth-construites' && JSON.stringify(f.provenance) === JSON.stringify([total.provenance]))).toBe(true);
    const roadmap = await app.call('GET', `/api/roadmaps/${ROADMAP}/provenance`, { token: auditor });
    expect(roadmap.status).toBe(200);
    const governance = roadmap.body.facts.find((f: { subject: { factId?: string } }) => f.subject.factId === 'crsn-meeting-cadence');
    expect(governance.provenance).toEqual([seed.governance.facts.find((f) => f.factId === 'crsn-meeting-cadence')!.provenance]);
    // The public answer of the same sheet carries no quote metadata.
    const pub = await app.call('GET', `/api/sheets/${INFRA}`, { token: null });
    expect(JSON.stringify(pub.body)).not.toContain('"provenance"');
  });
});
