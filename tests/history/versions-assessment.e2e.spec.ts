import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { startTestApp, type RunningApp } from '../support/test-app.js';
import { expectStatus } from '../support/roadmap-fixture.js';
import { seedHook } from '#seed';

const ROADMAP = 'scoran-centre-val-de-loire';
const sheetsV3 = JSON.parse(readFileSync(new URL('../../seeds/scoran-centre-val-de-loire/sheets-v3.json', import.meta.url), 'utf8')) as Array<{
  sheetId: string; outcome: 'abandoned' | 'not_renewed' | 'completed_or_not_renewed' | 'unstated' | 'carried_over' | 'completed'; reasonCode: string | null; explanation: string; continuedBy: string | null;
}>;

describe('versions and assessments of the seeded roadmap', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startTestApp({ hooks: [seedHook] });
  });
  afterAll(() => app?.close(true));

  it('diffs V3 → V4: carried over, added and retired sheets with reasons', async () => {
    const diff = expectStatus(await app.call('GET', `/api/roadmaps/${ROADMAP}/diff?from=V3&to=V4`, { token: null }), 200, 'diff').body;
    const carried = sheetsV3.filter((s) => s.outcome === 'carried_over').map((s) => s.sheetId).sort();
    const ended = sheetsV3.filter((s) => s.outcome !== 'carried_over');
    expect(diff.carriedOver.map((s: any) => s.sheetId).sort()).toEqual(carried);
    expect(diff.retired.map((s: any) => s.sheetId).sort()).toEqual(ended.map((s) => s.sheetId).sort());
    for (const s of ended) {
      const retired = diff.retired.find((r: any) => r.sheetId === s.sheetId);
      expect(retired.explanation).toBe(s.explanation);
      expect(retired.reason).toBe(s.reasonCode ?? s.outcome);
    }
    expect(diff.summary).toEqual({ added: 33 - carried.length, carriedOver: carried.length, retired: ended.length });
    const odc = diff.carriedOver.find((s: any) => s.sheetId === 'open-data-challenge');
    expect(odc.number).toBe('3.10');
    expect((await app.call('GET', `/api/roadmaps/${ROADMAP}/diff?from=V3&to=V9`)).status).toBe(404);
    expect((await app.call('GET', `/api/roadmaps/${ROADMAP}/diff?from=3`)).status).toBe(400);
  });

  it('states what Annexe 3 states about the V3 sheets that ended, in the regenerated V3 assessment', async () => {
    const a = expectStatus(await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V3/assessment`, { token: null }), 200, 'V3 assessment').body;
    // "validée en mars 2019": the period starts in a month, as printed.
    expect(a.period).toEqual({ start: '2019-03', end: '2023-06-25', endsWith: 'next_adoption', nextVersion: 'V4' });
    // "une trentaine de fiches-projets": about 30, of which the 18 the document names are recorded and counted.
    expect(a.sheetCount).toEqual({ printed: { value: 30, qualifier: 'about' }, recorded: 18, countsOver: 'recorded' });
    const sheets = new Map((a.enjeux as any[]).flatMap((e) => e.sheets).map((s: any) => [s.sheetId, s]));
    for (const s of sheetsV3) {
      const assessed = sheets.get(s.sheetId);
      expect(assessed).toBeDefined();
      if (s.outcome === 'carried_over') {
        expect(assessed).toMatchObject({ outcome: 'in_progress', carriedOverTo: { version: 'V4' } });
      } else if (s.outcome === 'abandoned') {
        expect(assessed).toMatchObject({ outcome: 'abandoned', reason: s.reasonCode, explanation: s.explanation });
      } else if (s.outcome === 'completed_or_not_renewed' || s.outcome === 'unstated') {
        // « achevés ou non reconduits », or no reason at all: kept as the document leaves it.
        expect(assessed).toMatchObject({ outcome: s.outcome, reason: null, explanation: s.explanation });
      } else {
        expect(assessed).toMatchObject({ outcome: s.outcome === 'completed' ? 'completed' : 'not_carried_over', explanation: s.explanation });
      }
    }
    expect(a.carriesOver.map((c: any) => c.sheetId).sort()).toEqual(sheetsV3.filter((s) => s.outcome === 'carried_over').map((s) => s.sheetId).sort());
    const md = (await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V3/assessment?format=md`)).text;
    expect(md).toContain('# Bilan de la version V3');
    expect(md).toContain('Pass numérique');
    expect(md).toContain('abandonnée (partenaires insuffisants)');
  });

  it('serves the V4 assessment in json, md and html, byte for byte the same on every call', async () => {
    for (const format of ['json', 'md', 'html']) {
      const first = expectStatus(await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V4/assessment?format=${format}`), 200, format);
      const second = await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V4/assessment?format=${format}`);
      expect(second.text).toBe(first.text);
    }
    const json = (await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V4/assessment`)).body;
    expect(json.period).toMatchObject({ start: '2023-06-26', end: null, endsWith: 'open' });
    expect(json.totals.sheets).toBe(33);
    const html = await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V4/assessment?format=html&until=2023-12-31`);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.text).toContain('data-sheet="open-data-challenge"');
    expect((await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V4/assessment?format=xlsx`)).status).toBe(400);
    expect((await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V4/assessment?until=2023-02-30`)).status).toBe(400);
    expect((await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V8/assessment`)).status).toBe(404);
  });

  it('drafts V5 from V4, carries sheets over renumbered, retires one, adds one, adopts, and diffs V4 → V5', async () => {
    expectStatus(await app.call('POST', `/api/roadmaps/${ROADMAP}/versions`, { body: { version: 'V5', basedOn: 'V4', draftedOn: '2025-09-01' } }), 201, 'draft V5');
    const carry = async (sheetId: string, body: Record<string, unknown>) => expectStatus(await app.call('POST', `/api/sheets/${sheetId}/carry-over`, { body: { toVersion: 'V5', ...body } }), 201, `carry ${sheetId}`);
    await carry('open-data-challenge', { changes: { number: '3.12' }, addedIndicators: [{ indicatorId: 'defis-publies', name: 'Défis publiés', unit: 'count', target: { value: 20, by: '2028-12-31' } }] });
    await carry('datacentre', { changes: { number: '3.1', title: 'Datacentre régional mutualisé' } });
    await carry('csirt-cyberreponse', {});
    // Only a draft version takes carried-over sheets, and only once.
    expect((await app.call('POST', '/api/sheets/csirt-cyberreponse/carry-over', { body: { toVersion: 'V5' } })).status).toBe(409);
    expect((await app.call('POST', '/api/sheets/junon/carry-over', { body: { toVersion: 'V4' } })).status).toBe(422);
    expect((await app.call('POST', '/api/sheets/junon/carry-over', { body: { toVersion: 'V5', changes: { number: 'x' } } })).status).toBe(400);
    expectStatus(await app.call('POST', '/api/sheets/valise-one/retire', { body: { reason: 'not_renewed', explanation: 'Le comité ne la reconduit pas en V5.' } }), 201, 'retire');
    expectStatus(await app.call('POST', '/api/sheets', {
      body: { sheetId: 'sobriete-numerique', roadmapId: ROADMAP, version: 'V5', number: '4.17', kind: 'projet', enjeu: 'avenir', title: 'Sobriété numérique', pilots: ['region-centre-val-de-loire'], indicators: [], milestones: [] },
    }), 201, 'add');
    expectStatus(await app.call('POST', `/api/roadmaps/${ROADMAP}/versions/V5/adopt`, { body: { adoptedOn: '2026-01-15', adoptedBy: 'CRSN' } }), 201, 'adopt V5');

    const diff = expectStatus(await app.call('GET', `/api/roadmaps/${ROADMAP}/diff?from=V4&to=V5`), 200, 'diff V4 V5').body;
    expect(diff.added.map((s: any) => s.sheetId)).toEqual(['sobriete-numerique']);
    expect(diff.carriedOver.map((s: any) => [s.sheetId, s.previousNumber, s.number])).toEqual([['datacentre', '3.9', '3.1'], ['open-data-challenge', '3.10', '3.12'], ['csirt-cyberreponse', '4.13', '4.13']]);
    const odc = diff.carriedOver.find((s: any) => s.sheetId === 'open-data-challenge');
    expect(odc.changes).toEqual([{ field: 'number', before: '3.10', after: '3.12' }]);
    expect(odc.indicatorsAdded).toEqual([{ indicatorId: 'defis-publies', name: 'Défis publiés', unit: 'count' }]);
    const dc = diff.carriedOver.find((s: any) => s.sheetId === 'datacentre');
    expect(dc.changes.map((c: any) => c.field)).toEqual(['number', 'title']);
    expect(diff.retired.find((s: any) => s.sheetId === 'valise-one')).toMatchObject({ reason: 'not_renewed', explanation: 'Le comité ne la reconduit pas en V5.' });
    expect(diff.retired).toHaveLength(33 - 3);

    const lineage = expectStatus(await app.call('GET', '/api/sheets/open-data-challenge/lineage', { token: null }), 200, 'lineage').body;
    // Annexe 3 gives the V3 sheet no number.
    expect(lineage.versions.map((v: any) => [v.version, v.number, v.enteredBy])).toEqual([['V3', null, 'created'], ['V4', '3.10', 'carried_over'], ['V5', '3.12', 'carried_over']]);
    expect(lineage.versions[2].changes).toEqual([{ field: 'number', before: '3.10', after: '3.12' }]);
    expect(lineage.versions[1].outcome).toMatchObject({ outcome: 'carried_over', nextVersion: 'V5' });

    // V4 is now closed by V5's adoption: its assessment covers June 2023 to the day before.
    const v4 = (await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V4/assessment`)).body;
    expect(v4.period).toEqual({ start: '2023-06-26', end: '2026-01-14', endsWith: 'next_adoption', nextVersion: 'V5' });
    expect(v4.carriesOver.map((c: any) => [c.sheetId, c.toNumber])).toEqual([['datacentre', '3.1'], ['open-data-challenge', '3.12'], ['csirt-cyberreponse', '4.13']]);
  });
});
