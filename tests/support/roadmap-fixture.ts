import type { RunningApp } from './test-app.js';

/**
 * The two roadmaps the HTTP suites start from, built through the API:
 * - the test roadmap: V4 adopted, one sheet piloted by `pilot-org` (`createFixture`, `sheetBody`);
 * - the history roadmap: V3 adopted in March 2019, with the infrastructure sheet of Annexes 2 and 3
 *   (`createHistoryRoadmap`, `historySheet`, `createInfrastructureSheet`).
 */

export const ROADMAP = 'test-roadmap';

/** A roadmap with an adopted V4 and one sheet piloted by `pilot-org`, built through the API. */
export async function createFixture(app: RunningApp): Promise<void> {
  const ok = (r: { status: number; body: unknown }, what: string) => {
    if (r.status !== 201) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  ok(await app.call('POST', '/api/roadmaps', {
    body: { roadmapId: ROADMAP, title: 'Feuille de route de test', region: { code: '24', name: 'Centre-Val de Loire' }, enjeux: [{ enjeuId: 'avenir', number: 4, title: 'Enjeu d’avenir' }] },
  }), 'roadmap');
  ok(await app.call('POST', `/api/roadmaps/${ROADMAP}/versions`, { body: { version: 'V4', draftedOn: '2023-01-10' } }), 'draft');
  ok(await app.call('POST', `/api/roadmaps/${ROADMAP}/versions/V4/adopt`, { body: { adoptedOn: '2023-06-26', adoptedBy: 'CRSN' } }), 'adopt');
  ok(await app.call('POST', '/api/sheets', { body: sheetBody() }), 'sheet');
}

export function sheetBody(overrides: Record<string, unknown> = {}) {
  return {
    sheetId: 'csirt-cyberreponse', roadmapId: ROADMAP, version: 'V4', number: '4.13', kind: 'projet', enjeu: 'avenir', title: 'CSIRT cyberRéponse',
    objective: 'Sécuriser les collectivités', pilots: ['pilot-org'], partners: ['partner-org'],
    indicators: [
      { indicatorId: 'interventions', name: 'Interventions', unit: 'count', target: { value: 40, by: '2026-06-30' } },
      { indicatorId: 'coverage', name: 'Part couverte', unit: 'percent' },
    ],
    milestones: [{ milestoneId: 'launch', title: 'Lancement', due: '2023-S2' }, { milestoneId: 'review', title: 'Bilan', due: '2025' }],
    ...overrides,
  };
}

// The history roadmap.

export const HISTORY_ROADMAP = 'history-roadmap';
export const INFRA = 'suivi-regional-infrastructures-numeriques';

type Call = Awaited<ReturnType<RunningApp['call']>>;

export function expectStatus(r: Call, status: number, what: string): Call {
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${r.text}`);
  return r;
}

/** A roadmap with V3 adopted in March 2019, and V4 drafted from it. */
export async function createHistoryRoadmap(app: RunningApp, roadmapId = HISTORY_ROADMAP): Promise<void> {
  expectStatus(await app.call('POST', '/api/roadmaps', {
    body: {
      roadmapId, title: 'SCORAN (scénario de test)', region: { code: '24', name: 'Centre-Val de Loire' },
      enjeux: [
        { enjeuId: 'inclusion', number: 2, title: 'Favoriser l’accès aux infrastructures' },
        { enjeuId: 'performance', number: 3, title: 'Mettre le numérique au service des politiques publiques' },
        { enjeuId: 'avenir', number: 4, title: 'Formation et innovation' },
      ],
    },
  }), 201, 'roadmap');
  expectStatus(await app.call('POST', `/api/roadmaps/${roadmapId}/versions`, { body: { version: 'V3', draftedOn: '2018-10-01' } }), 201, 'draft V3');
  expectStatus(await app.call('POST', `/api/roadmaps/${roadmapId}/versions/V3/adopt`, { body: { adoptedOn: '2019-03', adoptedBy: 'CRSN' } }), 201, 'adopt V3');
}

export function historySheet(sheetId: string, number: string, enjeu: string, overrides: Record<string, unknown> = {}, roadmapId = HISTORY_ROADMAP) {
  return {
    sheetId, roadmapId, version: 'V3', number, kind: 'projet', enjeu, title: `Fiche ${sheetId}`, pilots: ['region-centre-val-de-loire'],
    indicators: [], milestones: [], ...overrides,
  };
}

/** The infrastructure sheet with the figures of Annexes 2 and 3 (fibre at the end of 2022 and in Q1 2023). */
export async function createInfrastructureSheet(app: RunningApp, roadmapId = HISTORY_ROADMAP): Promise<{ reportIds: Record<string, string> }> {
  expectStatus(await app.call('POST', '/api/sheets', {
    body: historySheet(INFRA, '2.1', 'inclusion', {
      title: 'Suivi régional des infrastructures numériques', pilots: ['region-centre-val-de-loire'],
      indicators: [
        { indicatorId: 'part-logements-raccordables', name: 'Part des prises FttH construites', unit: 'percent', target: { value: 82, by: '2022-12-31' } },
        { indicatorId: 'prises-ftth-construites', name: 'Prises FttH construites', unit: 'count' },
        { indicatorId: 'sites-dcc-arbitres', name: 'Sites prévus par les arbitrages (New Deal mobile)', unit: 'count' },
      ],
      milestones: [{ milestoneId: 'fibre-2022', title: '82 % de prises construites', due: '2022' }, { milestoneId: 'fibre-2025', title: 'Généralisation de la fibre', due: '2025' }],
    }, roadmapId),
  }), 201, 'infrastructure sheet');
  const report = async (indicatorId: string, value: number, observedOn: string) =>
    expectStatus(await app.call('POST', `/api/sheets/${INFRA}/indicators/${indicatorId}/reports`, { body: { value, observedOn, territory: '24' } }), 201, `report ${indicatorId}`);
  await report('part-logements-raccordables', 44, '2018-12-31');
  await report('part-logements-raccordables', 80, '2022-12-31');
  await report('sites-dcc-arbitres', 170, '2022-12-31');
  await report('prises-ftth-construites', 1337268, '2023-03-31');
  await report('part-logements-raccordables', 85, '2023-03-31');
  const series = await app.call('GET', `/api/sheets/${INFRA}/indicators/part-logements-raccordables/series`);
  const q1 = series.body.points.find((p: { observedOn: string }) => p.observedOn === '2023-03-31');
  return { reportIds: { q1_2023: q1.reportId } };
}
