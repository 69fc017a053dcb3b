import type { RunningApp } from '../support/test-app.js';

export const ROADMAP = 'history-roadmap';
export const INFRA = 'suivi-regional-infrastructures-numeriques';

type Call = Awaited<ReturnType<RunningApp['call']>>;

export function expectStatus(r: Call, status: number, what: string): Call {
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${r.text}`);
  return r;
}

/** A roadmap with V3 adopted in March 2019, and V4 drafted from it. */
export async function createRoadmap(app: RunningApp, roadmapId = ROADMAP): Promise<void> {
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

export function sheet(sheetId: string, number: string, enjeu: string, overrides: Record<string, unknown> = {}, roadmapId = ROADMAP) {
  return {
    sheetId, roadmapId, version: 'V3', number, kind: 'projet', enjeu, title: `Fiche ${sheetId}`, pilots: ['region-centre-val-de-loire'],
    indicators: [], milestones: [], ...overrides,
  };
}

/** The infrastructure sheet with the figures of Annexes 2 and 3 (fibre at the end of 2022 and in Q1 2023). */
export async function createInfrastructureSheet(app: RunningApp, roadmapId = ROADMAP): Promise<{ reportIds: Record<string, string> }> {
  expectStatus(await app.call('POST', '/api/sheets', {
    body: sheet(INFRA, '2.1', 'inclusion', {
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
