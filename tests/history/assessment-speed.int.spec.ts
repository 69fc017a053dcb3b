import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { buildAssessment, loadAssessmentInput, renderAssessment, addDays } from '#assessment';
import { SqliteEventStore } from '#event-store';
import { allProjections, openReadModelDb, ProjectionRunner, readModelsOf, type SheetView } from '#projections';

/**
 * 33 sheets × 3 indicators × 10 years of weekly reports (about 51 000 rows), written straight into the
 * read-model tables: the assessment must come from SQL over them, not from folding the log.
 */
describe('assessment over ten years of weekly reports', () => {
  let dir: string;
  let db: Database;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'scoran-assessment-speed-'));
    db = openReadModelDb(join(dir, 'read-models.sqlite'));
    new ProjectionRunner(db, allProjections());
    db.prepare("INSERT INTO roadmaps (roadmapId, title, region, enjeux, organisations) VALUES (?, ?, ?, ?, '[]')").run('r', 'Feuille de route', '{"code":"24","name":"Centre-Val de Loire"}', JSON.stringify([{ enjeuId: 'avenir', number: 4, title: 'Avenir' }]));
    db.prepare("INSERT INTO roadmap_versions (roadmapId, version, status, basedOn, draftedOn, adoptedOn, adoptedBy) VALUES ('r', 'V4', 'adopted', 'V3', '2015-01-01', '2015-01', 'CRSN')").run();
    const summary = db.prepare('INSERT INTO sheet_summary (sheetId, roadmapId, version, number, kind, enjeu, title, status, pilots, revision, position, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const version = db.prepare("INSERT INTO sheet_versions (sheetId, roadmapId, version, number, enjeu, kind, title, outcome) VALUES (?, 'r', 'V4', ?, 'avenir', 'projet', ?, 'active')");
    const report = db.prepare(`INSERT INTO indicator_reports (reportId, sheetId, indicatorId, observedOn, observed, observedStart, observedEnd, qualifier, territory, zone, value, originalValue, originalObservedOn, originalObserved, originalQualifier, source, comment, position, recordedAt)
      VALUES (@reportId, @sheetId, @indicatorId, @day, @day, @day, @day, 'exact', '24', NULL, @value, @value, @day, @day, 'exact', NULL, NULL, @position, '2025-01-01T00:00:00.000Z')`);
    let position = 0;
    db.transaction(() => {
      for (let s = 1; s <= 33; s++) {
        const sheetId = `sheet-${s}`;
        const indicators = ['a', 'b', 'c'].map((id) => ({ indicatorId: id, name: `Indicateur ${id}`, unit: 'count', targets: [{ value: 400, by: '2024-12-31' }], latest: null, reportCount: 0 }));
        const doc = { sheetId, roadmapId: 'r', version: 'V4', number: `4.${s}`, title: `Fiche ${s}`, pilots: ['org'], indicators, milestones: [{ milestoneId: 'm', title: 'Jalon', due: '2020', reachedOn: '2020-06-01', evidence: null, rescheduled: [] }] } as unknown as SheetView;
        summary.run(sheetId, 'r', 'V4', `4.${s}`, 'projet', 'avenir', `Fiche ${s}`, 'active', '["org"]', 0, 0, JSON.stringify(doc));
        version.run(sheetId, `4.${s}`, `Fiche ${s}`);
        for (const ind of indicators) {
          let day = '2015-01-05';
          for (let w = 0; w < 520; w++) {
            position++;
            report.run({ reportId: `rep-${position}`, sheetId, indicatorId: ind.indicatorId, day, value: w, position });
            day = addDays(day, 7);
          }
        }
      }
    })();
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is computed and rendered in well under a second', () => {
    const started = performance.now();
    const model = buildAssessment(loadAssessmentInput(readModelsOf(db, new SqliteEventStore({ path: ':memory:' })), 'r', 'V4', '2024-12-31'));
    const md = renderAssessment(model, 'md');
    const elapsed = performance.now() - started;
    console.warn(`assessment of 33 sheets × 3 indicators × 520 weekly reports: ${elapsed.toFixed(0)} ms`);
    expect(model.totals.sheets).toBe(33);
    expect(model.enjeux[0]!.sheets[0]!.indicators[0]).toMatchObject({ last: { value: 519 }, previous: { value: 518 }, trend: 'up', againstTarget: 'met' });
    expect(md.length).toBeGreaterThan(1000);
    expect(elapsed).toBeLessThan(1000);
  });

  it('reads the series as known at an instant (each report with its last correction by then) in well under a second too', () => {
    const { series } = readModelsOf(db, new SqliteEventStore({ path: ':memory:' }));
    const sheetIds = Array.from({ length: 33 }, (_, k) => `sheet-${k + 1}`);
    const started = performance.now();
    const counts = series.reportCounts(sheetIds, '2024-12-31', '2025-06-01T00:00:00.000Z');
    const days = series.lastTwoDays(sheetIds, '2024-12-31', '2025-06-01T00:00:00.000Z');
    const values = days.map((d) => series.regionalQuantityOn(d.sheetId, d.indicatorId, d.zone, d.observedOn, '2025-06-01T00:00:00.000Z').value);
    const elapsed = performance.now() - started;
    console.warn(`series of the assessment as known at an instant: ${elapsed.toFixed(0)} ms`);
    expect(counts.get('sheet-1|a')).toBe(520);
    expect(values.slice(0, 2)).toEqual([519, 518]);
    // Recorded after the instant: as known before it, there was nothing.
    expect(series.reportCounts(sheetIds, '2024-12-31', '2024-12-31T00:00:00.000Z').size).toBe(0);
    expect(elapsed).toBeLessThan(1000);
  });
});
