import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type RunningApp } from '../support/test-app.js';
import { createFixture, ROADMAP, sheetBody } from '../support/roadmap-fixture.js';

const SHEET = 'final-target-check';
const early = { value: 40, by: '2024-12-31', label: null };
const late = { value: 100, by: '2026-12-31', label: null };

/**
 * One rule for "on target": the value is compared with the final target (the latest day), whichever
 * order the targets were defined in. The roll-up (read model and folded as of a day) and the
 * assessment must say the same.
 */
describe('the final target of an indicator, over real HTTP', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startTestApp();
    await createFixture(app);
    const created = await app.call('POST', '/api/sheets', {
      body: sheetBody({
        sheetId: SHEET, number: '4.20', title: 'Cibles dans le désordre', milestones: [],
        // The final target first: a rule that takes the last one listed would compare with 40.
        indicators: [{ indicatorId: 'reach', name: 'Portée', unit: 'count', targets: [late, early] }],
      }),
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => app.close(true));

  const reportOf = async (value: number, observedOn: string) => {
    const r = await app.call('POST', `/api/sheets/${SHEET}/indicators/reach/reports`, { body: { value, observedOn } });
    expect(r.status).toBe(201);
  };
  /** indicatorsOnTarget of the V4 row, from the read model and folded as of a day. */
  const onTarget = async () => {
    const rows = await Promise.all([
      app.call('GET', `/api/roadmaps/${ROADMAP}/rollup?version=V4`, { token: null }),
      app.call('GET', `/api/roadmaps/${ROADMAP}/rollup?version=V4&asOf=2026-06-30`, { token: null }),
    ]);
    return rows.map((r) => {
      expect(r.status).toBe(200);
      expect(r.body).toHaveLength(1);
      return { sheets: r.body[0].sheets, indicatorsReported: r.body[0].indicatorsReported, indicatorsOnTarget: r.body[0].indicatorsOnTarget };
    });
  };
  const assessed = async () => {
    const r = await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V4/assessment`, { token: null });
    expect(r.status).toBe(200);
    const sheet = r.body.enjeux.flatMap((e: any) => e.sheets).find((s: any) => s.sheetId === SHEET);
    return sheet.indicators.map((i: any) => ({ target: i.target.value, last: i.last.value, againstTarget: i.againstTarget }));
  };

  it('keeps the targets sorted by day', async () => {
    const sheet = await app.call('GET', `/api/sheets/${SHEET}`, { token: null });
    // Each target served with its scope, due date and qualifier besides the day it was given by.
    expect(sheet.body.indicators[0].targets).toEqual([early, late].map((t) => expect.objectContaining({ ...t, due: t.by, territory: null, zone: null, qualifier: 'exact' })));
  });

  it('50 passes the 2024 target, not the final one: the roll-up and the assessment both say "not reached"', async () => {
    await reportOf(50, '2025-01-31');
    // The fixture's other sheet has an indicator with a target and no report: it is never on target.
    expect(await onTarget()).toEqual([
      { sheets: 2, indicatorsReported: 1, indicatorsOnTarget: 0 },
      { sheets: 2, indicatorsReported: 1, indicatorsOnTarget: 0 },
    ]);
    expect(await assessed()).toEqual([{ target: 100, last: 50, againstTarget: 'not_met' }]);
  });

  it('once the final target is reached, both say so', async () => {
    await reportOf(120, '2025-06-30');
    expect(await onTarget()).toEqual([
      { sheets: 2, indicatorsReported: 1, indicatorsOnTarget: 1 },
      { sheets: 2, indicatorsReported: 1, indicatorsOnTarget: 1 },
    ]);
    expect(await assessed()).toEqual([{ target: 100, last: 120, againstTarget: 'met' }]);
  });
});
