import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataFiles } from '#config';
import { startTestApp, type RunningApp } from '../support/test-app.js';

/*
 * tests/fixtures/events-schema-v1.sqlite was written by the tracker before sheet events had schema
 * version 2 (its RoadmapCommands over its SqliteEventStore): reports with a day only and the seed's
 * qualifier in `comment`, a zone given as free text, targets with `by`, a milestone with `reachedOn`.
 * Opened by this code, the log is read through the upcasters and never rewritten.
 */
const FIXTURE = fileURLToPath(new URL('../fixtures/events-schema-v1.sqlite', import.meta.url));

describe('a log written with schema version 1, served by this code', () => {
  let app: RunningApp;
  let before: Buffer;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scoran-v1-log-'));
    copyFileSync(FIXTURE, dataFiles(dataDir).events);
    before = readFileSync(dataFiles(dataDir).events);
    app = await startTestApp({ dataDir });
  });
  afterAll(() => app.close(true));

  it('a version-1 day stays a day; the qualifier is the one the seed wrote into comment, and comment is null again', async () => {
    const r = await app.call('GET', '/api/sheets/fibre/indicators/prises/series', { token: null });
    expect(r.status).toBe(200);
    const points = (r.body.points ?? r.body) as Array<Record<string, unknown>>;
    const byId = new Map(points.map((p) => [p.reportId, p]));
    expect(byId.get('r-about')).toMatchObject({ observed: '2018-12-31', observedOn: '2018-12-31', value: 44, qualifier: 'about' });
    expect(byId.get('r-more')).toMatchObject({ observed: '2022-12-31', qualifier: 'more_than' });
    // An ordinary comment is a comment: the value stays exact. Its correction applies.
    expect(byId.get('r-day')).toMatchObject({ observed: '2023-03-31', qualifier: 'exact', value: 86, corrected: true });
  });

  it('version-1 targets have no scope, horizon nor qualifier of their own; a version-1 milestone was reached on its day', async () => {
    const r = await app.call('GET', '/api/sheets/fibre', { token: null });
    expect(r.status).toBe(200);
    expect(r.body.indicators[0].targets).toEqual([
      expect.objectContaining({ value: 82, due: '2022-12-31', by: '2022-12-31', horizon: null, territory: null, zone: null, qualifier: 'exact', label: 'prévu en 2022' }),
      expect.objectContaining({ value: 100, due: '2025-12-31', by: '2025-12-31', territory: null, zone: null, qualifier: 'exact' }),
    ]);
    expect(r.body.milestones[0]).toMatchObject({ reached: '2023-06-26', reachedOn: '2023-06-26', statedOn: null });
  });

  it('the stored events keep their text and version', async () => {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(dataFiles(app.dataDir).events, { readonly: true });
    const rows = db.prepare("SELECT type, data, metadata FROM events WHERE type = 'IndicatorReported' ORDER BY position").all() as Array<{ data: string; metadata: string }>;
    db.close();
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(JSON.parse(row.metadata).schemaVersion).toBe(1);
      expect(JSON.parse(row.data)).not.toHaveProperty('observed');
    }
    expect(JSON.parse(rows[0]!.data).comment).toBe('about');
    // Nothing was appended or rewritten: the file holds the same events (SQLite may have checkpointed pages).
    expect(before.length).toBeGreaterThan(0);
  });
});
