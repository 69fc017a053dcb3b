import { describe, expect, it } from '@jest/globals';
import { SheetsProjection, type RollupRow } from '#projections';
import { projectionSpec } from '../support/projection-spec.js';
import { carriedOver, completed, milestoneReached, reported, sheetCreated } from '../support/sheet-events.js';

const sheets = projectionSpec({ projections: () => [new SheetsProjection()] });

const pick = (rows: RollupRow[], ...keys: Array<keyof RollupRow>) => rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));

describe('roll-up per enjeu', () => {
  const given = [
    sheetCreated('a', { number: '4.1' }),
    sheetCreated('b', { number: '4.2' }),
    sheetCreated('c', { number: '1.1', enjeu: 'inclusion' }),
    sheetCreated('d', { number: '4.3', enjeu: null }),
    reported('a', 'ra', 45, '2024-03-31'),
    reported('b', 'rb', 5, '2024-03-31'),
    milestoneReached('a', '2023-09-01'),
  ];

  it('counts each version\'s sheets per enjeu, the unknown enjeu first', async () => {
    await sheets.given(...given).when(completed('b', '2024-06-30')).then(({ readModels }) => {
      expect(pick(readModels.enjeuRollup.rollup('r', 'V4'), 'enjeu', 'sheets', 'active', 'completed', 'milestonesReached', 'indicatorsReported', 'indicatorsOnTarget')).toEqual([
        { enjeu: null, sheets: 1, active: 1, completed: 0, milestonesReached: 0, indicatorsReported: 0, indicatorsOnTarget: 0 },
        { enjeu: 'avenir', sheets: 2, active: 1, completed: 1, milestonesReached: 1, indicatorsReported: 2, indicatorsOnTarget: 1 },
        { enjeu: 'inclusion', sheets: 1, active: 1, completed: 0, milestonesReached: 0, indicatorsReported: 0, indicatorsOnTarget: 0 },
      ]);
    });
  });

  it('counts a carried-over sheet in both versions, with its enjeu of each', async () => {
    await sheets.given(...given).when(carriedOver('c', 'V4', 'V5', { enjeu: 'avenir' })).then(({ readModels }) => {
      expect(pick(readModels.enjeuRollup.rollup('r', undefined), 'version', 'enjeu', 'sheets', 'carriedOver')).toEqual([
        { version: 'V4', enjeu: null, sheets: 1, carriedOver: 0 },
        { version: 'V4', enjeu: 'avenir', sheets: 2, carriedOver: 0 },
        { version: 'V4', enjeu: 'inclusion', sheets: 1, carriedOver: 1 },
        { version: 'V5', enjeu: 'avenir', sheets: 1, carriedOver: 0 },
      ]);
    });
  });

  it('in time, folds the log with the same rules: unfiltered it gives the view\'s rows', async () => {
    await sheets.given(...given).when(completed('b', '2024-06-30'), carriedOver('c', 'V4', 'V5')).then(async ({ readModels }) => {
      const now = readModels.enjeuRollup.rollup('r', undefined);
      expect(await readModels.enjeuRollup.rollup('r', undefined, { knownAt: '2999-01-01T00:00:00.000Z' })).toEqual(now);
      const before = await readModels.enjeuRollup.rollup('r', 'V4', { asOf: '2024-04-30' });
      expect(pick(before, 'enjeu', 'active', 'completed')).toEqual([
        { enjeu: null, active: 1, completed: 0 },
        { enjeu: 'avenir', active: 2, completed: 0 },
        { enjeu: 'inclusion', active: 0, completed: 0 },
      ]);
    });
  });

  it('in time, from the sheets\' snapshots, gives what folding each stream from its first event gives', async () => {
    const day = (n: number) => new Date(Date.UTC(2022, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    const events = [sheetCreated('a', { number: '4.1' }), sheetCreated('b', { number: '4.2' }), sheetCreated('c', { number: '1.1', enjeu: 'inclusion' })];
    for (let i = 0; i < 900; i++) {
      const sheet = (['a', 'b', 'c'] as const)[i % 3]!;
      events.push(reported(sheet, `r${i}`, i % 50, day(i)));
      if (i === 400) events.push(carriedOver('c', 'V4', 'V5', { enjeu: 'avenir' }));
      if (i === 650) events.push(completed('b', day(i)));
      if (i === 700) events.push(milestoneReached('a', day(i)));
    }
    await sheets.given(...events.slice(0, -5)).when(...events.slice(-5)).then(async ({ readModels, db }) => {
      expect(db.prepare("SELECT COUNT(*) FROM sheet_snapshots WHERE memberships LIKE '%V5%'").pluck().get() as number).toBeGreaterThan(0);
      const times = [
        ...[-1, 0, 100, 399, 400, 401, 500, 649, 650, 651, 800, 899, 1000].map((n) => ({ asOf: day(n) })),
        ...[0, 300, 1203, 1204, 1210, 1500, 1955, 1956, 2200, 2800].map((n) => ({ knownAt: new Date(Date.UTC(2020, 0, 1) + n * 1000).toISOString() })),
        { asOf: day(450), knownAt: new Date(Date.UTC(2020, 0, 1) + 2000 * 1000).toISOString() },
      ];
      const fromSnapshots = [];
      for (const tt of times) fromSnapshots.push(await readModels.enjeuRollup.rollup('r', undefined, tt));
      // Without snapshots the same read model folds every stream from its first event.
      db.exec('DELETE FROM sheet_snapshots');
      for (const [k, tt] of times.entries()) expect(fromSnapshots[k]).toEqual(await readModels.enjeuRollup.rollup('r', undefined, tt));
    });
  });
});
