import { describe, expect, it } from '@jest/globals';
import { RoadmapsProjection, SHEET_SNAPSHOT_EVERY, SheetsProjection } from '#projections';
import { projectionSpec, type SpecEvent } from '../support/projection-spec.js';
import { carriedOver, reported, roadmapCreated, sheetCreated } from '../support/sheet-events.js';

const sheets = projectionSpec({ projections: () => [new SheetsProjection()] });
const sheetsRebuilt = projectionSpec({ projections: () => [new SheetsProjection()], bulk: true });
const roadmaps = projectionSpec({ projections: () => [new RoadmapsProjection()] });

/** A V3 sheet known only from an assessment: no number, kind, enjeu or pilot, one figure. */
const historic = (sheetId: string) => sheetCreated(sheetId, {
  version: 'V3', number: null, kind: null, enjeu: null, pilots: [], historic: true, milestones: [],
  indicators: [{ indicatorId: 'i', name: 'Figure V3', unit: 'count', targets: [] }],
});
const toV4 = (sheetId: string, reason: string | null = null): SpecEvent => {
  const e = carriedOver(sheetId, 'V3', 'V4', { number: '3.9', kind: 'projet', enjeu: 'performance', pilots: ['brgm'], title: 'Datacentre V4' });
  return { ...e, data: { ...e.data, reason, addedMilestones: [{ milestoneId: 'm4', title: 'Jalon V4', due: '2024' }], addedIndicators: [{ indicatorId: 'i4', name: 'Indicateur V4', unit: 'count', targets: [] }] } };
};
const retired = (sheetId: string, reason: string): SpecEvent => ({
  type: 'SheetRetired', data: { sheetId, version: 'V3', reason, explanation: 'Non repris', effectiveOn: '2023-06-26', mergedInto: null },
});

describe('sheets per version', () => {
  for (const [name, spec] of [['live', sheets], ['rebuilt', sheetsRebuilt]] as const) {
    it(`keeps the sheet as it was in the version it left, and the current one as it is (${name})`, async () => {
      await spec
        .given(historic('d'), reported('d', 'r1', 7, '2022-12-31'))
        .when(toV4('d', 'Le datacentre a été labellisé au niveau national'), reported('d', 'r2', 9, '2023-12-31'))
        .then(({ readModels }) => {
          const v3 = readModels.sheets.get('d', { version: 'V3' })!;
          expect({ version: v3.version, number: v3.number, kind: v3.kind, enjeu: v3.enjeu, pilots: v3.pilots, title: v3.title })
            .toEqual({ version: 'V3', number: null, kind: null, enjeu: null, pilots: [], title: 'Fiche d' });
          expect(v3.indicators.map((i) => [i.indicatorId, i.reportCount, i.latest?.value])).toEqual([['i', 1, 7]]);
          expect(v3.milestones).toEqual([]);
          const v4 = readModels.sheets.get('d', { version: 'V4' })!;
          expect({ version: v4.version, number: v4.number, enjeu: v4.enjeu, milestones: v4.milestones.length }).toEqual({ version: 'V4', number: '3.9', enjeu: 'performance', milestones: 1 });
          expect(v4.indicators.find((i) => i.indicatorId === 'i')!.latest?.value).toBe(9);
          expect(readModels.sheets.get('d')).toEqual(v4);
          expect(readModels.sheets.get('d', { version: 'V5' })).toBeNull();

          const [item] = readModels.sheets.list({ version: 'V3' });
          expect(item).toMatchObject({ version: 'V3', number: null, enjeu: null, pilots: [], indicators: 1, milestones: 0, currentVersion: 'V4' });
          expect(item!.outcome).toMatchObject({ outcome: 'carried_over', nextVersion: 'V4', explanation: 'Le datacentre a été labellisé au niveau national' });
          expect(readModels.sheets.members({ version: 'V3' })[0]!.doc.title).toBe('Fiche d');
          expect(readModels.sheets.list({ version: 'V3', pilot: 'brgm' })).toEqual([]);
          expect(readModels.sheets.list({ version: 'V4', pilot: 'brgm' }).map((s) => s.sheetId)).toEqual(['d']);
        });
    });
  }

  it('the roll-up of a version counts that version\'s milestones and indicators, and the ambiguous outcomes in their own columns', async () => {
    await sheets
      .given(historic('carried'), historic('badges'), historic('dpo'), historic('pass'), historic('moocs'))
      .when(toV4('carried'), retired('badges', 'completed_or_not_renewed'), retired('moocs', 'completed_or_not_renewed'), retired('dpo', 'unstated'), retired('pass', 'insufficient_partners'))
      .then(({ readModels }) => {
        const [v3] = readModels.enjeuRollup.rollup('r', 'V3');
        expect(v3).toMatchObject({
          enjeu: null, sheets: 5, active: 0, completed: 0, abandoned: 1, completedOrNotRenewed: 2, unstated: 1, retired: 0, carriedOver: 1,
          milestonesPlanned: 0, indicators: 5,
        });
        const [v4] = readModels.enjeuRollup.rollup('r', 'V4');
        expect(v4).toMatchObject({ enjeu: 'performance', sheets: 1, active: 1, milestonesPlanned: 1, indicators: 2 });
      });
  });

  it('the roll-up in time counts the same, from the log', async () => {
    await sheets
      .given(historic('carried'), historic('badges'), historic('pass'))
      .when(toV4('carried'), retired('badges', 'completed_or_not_renewed'), retired('pass', 'insufficient_partners'))
      .then(async ({ readModels }) => {
        const now = readModels.enjeuRollup.rollup('r', 'V3');
        const inTime = await readModels.enjeuRollup.rollup('r', 'V3', { asOf: '2030-01-01' });
        expect(inTime).toEqual(now);
        expect(inTime[0]).toMatchObject({ abandoned: 1, completedOrNotRenewed: 1, milestonesPlanned: 0, indicators: 3 });
      });
  });
});

describe('sheets per version, in time from a snapshot', () => {
  it('a snapshot taken after the carry-over keeps the version left as it stood there', async () => {
    // Enough V4 reports after the carry-over for a snapshot to be taken past it.
    const later = Array.from({ length: SHEET_SNAPSHOT_EVERY + 5 }, (_, k) => reported('d', `v4-${k}`, k, '2024-01-31'));
    await sheets
      .given(historic('d'), reported('d', 'r1', 7, '2022-12-31'), historic('badges'))
      .when(toV4('d'), retired('badges', 'completed_or_not_renewed'), ...later)
      .then(async ({ readModels, rows }) => {
        expect((rows("SELECT COUNT(*) AS n FROM sheet_snapshots WHERE sheetId = 'd'") as Array<{ n: number }>)[0]!.n).toBeGreaterThan(0);
        const now = readModels.enjeuRollup.rollup('r', 'V3');
        expect(now[0]).toMatchObject({ sheets: 2, carriedOver: 1, completedOrNotRenewed: 1, indicators: 2, indicatorsReported: 1, milestonesPlanned: 0 });
        expect(await readModels.enjeuRollup.rollup('r', 'V3', { asOf: '2030-01-01' })).toEqual(now);
        expect(await readModels.enjeuRollup.rollup('r', 'V4', { asOf: '2030-01-01' })).toEqual(readModels.enjeuRollup.rollup('r', 'V4'));
      });
  });
});

describe('roadmap versions', () => {
  const drafted = (version: string, basedOn: string | null, draftedOn: string | null, facts?: string): SpecEvent =>
    ({ type: 'RoadmapVersionDrafted', data: { roadmapId: 'r', version, basedOn, draftedOn, ...(facts ? { facts } : {}) } });
  const superseded = (version: string, by: string): SpecEvent => ({ type: 'RoadmapVersionSuperseded', data: { roadmapId: 'r', version, by, on: null } });
  const adopted = (version: string, adoptedOn: string): SpecEvent => ({ type: 'RoadmapVersionAdopted', data: { roadmapId: 'r', version, adoptedOn, adoptedBy: 'crsn', facts: null } });

  it('shows drafts superseded without an adoption, unknown draft days, and the dates in French as printed', async () => {
    await roadmaps
      .given(roadmapCreated(), drafted('V1', null, '2010', 'Rédigée en 2010'), superseded('V1', 'V2'), drafted('V3', 'V1', null))
      .when(adopted('V3', '2019-03'), drafted('V4', 'V3', null), adopted('V4', '2023-06-26'))
      .then(({ readModels }) => {
        expect(readModels.roadmaps.versions('r').map((v) => ({ version: v.version, status: v.status, draftedOn: v.draftedOn, draftedOnFr: v.draftedOnFr, adoptedOnFr: v.adoptedOnFr, supersededBy: v.supersededBy, facts: v.facts })))
          .toEqual([
            { version: 'V1', status: 'superseded', draftedOn: '2010', draftedOnFr: 'en 2010', adoptedOnFr: null, supersededBy: 'V2', facts: 'Rédigée en 2010' },
            { version: 'V3', status: 'adopted', draftedOn: null, draftedOnFr: null, adoptedOnFr: 'en mars 2019', supersededBy: null, facts: null },
            { version: 'V4', status: 'adopted', draftedOn: null, draftedOnFr: null, adoptedOnFr: 'le 26 juin 2023', supersededBy: null, facts: null },
          ]);
      });
  });
});
