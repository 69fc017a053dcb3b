import type { RunningApp } from '../support/test-app.js';

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
