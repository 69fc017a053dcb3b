import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '#event-store';
import { sheetStream } from '#domain';

/**
 * The benchmark's data set, written straight into the SQLite event store in big transactions (the
 * same table and envelope the store writes, without the per-command path: generating a million
 * events through the API would take longer than the benchmark itself).
 *
 * Shape (about one million events, interleaved week by week as a real log would be):
 * - the roadmap, with V3 and V4 adopted;
 * - 33 V4 sheets with 3 indicators each and a regional report every week for 10 years on every
 *   indicator (what the assessment of a version reads);
 * - 60 V3 sheets with 4 indicators reported every week on the region and its 6 departments;
 * - one sheet (`bench-big`) with 4 indicators reported daily on 7 territories: 100 000+ events,
 *   with a correction every 2 000 events and a back-dated report every 3 000 (time travel must stay exact).
 */
export const ROADMAP_ID = 'scoran-centre-val-de-loire';
export const BIG_SHEET = 'bench-big';
export const V4_SHEETS = 33;
export const V3_SHEETS = 60;
export const WEEKS = 520;
export const TERRITORIES = ['24', '18', '28', '36', '37', '41', '45'] as const;
const ENJEUX = ['transversal', 'inclusion', 'performance', 'avenir'] as const;

export const v4SheetId = (i: number) => `bench-v4-${String(i + 1).padStart(2, '0')}`;
export const v3SheetId = (i: number) => `bench-v3-${String(i + 1).padStart(2, '0')}`;
export const pilotOf = (sheetId: string) => `pilot-${sheetId}`;

export interface GeneratedData {
  events: number;
  seconds: number;
  /** Valid-time range of the reports. */
  firstDay: string;
  lastDay: string;
  bigSheetEvents: number;
}

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function generateData(dataDir: string, options: { weeks?: number; v3Sheets?: number; bigDailyIndicators?: number } = {}): GeneratedData {
  const weeks = options.weeks ?? WEEKS;
  const v3Sheets = options.v3Sheets ?? V3_SHEETS;
  const bigIndicators = options.bigDailyIndicators ?? 4;
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'events.sqlite');
  // The store creates its own schema; the rows below then follow it exactly.
  const store = new SqliteEventStore({ path });
  void store.close();
  const db = new Database(path);
  // Bench data only: no journal while generating, WAL again (the store's mode) once done.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  const insert = db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const revisions = new Map<string, number>();
  const started = Date.now();
  // Record time runs from the first report day onwards; each event a little later than the one before.
  const firstDayMs = Date.UTC(2026, 10, 16) - (weeks - 1) * 7 * DAY;
  let clock = firstDayMs;
  let count = 0;
  let bigCount = 0;
  const correlationId = randomUUID();
  const put = (stream: string, type: string, data: unknown, recordedAtMs: number) => {
    const revision = (revisions.get(stream) ?? -1) + 1;
    revisions.set(stream, revision);
    const recordedAt = new Date(recordedAtMs).toISOString();
    const metadata = { actor: 'bench', correlationId, causationId: null, source: 'bench', recordedAt, schemaVersion: 1 };
    insert.run(randomUUID(), stream, revision, type, JSON.stringify(data), JSON.stringify(metadata), recordedAt);
    count++;
  };
  const tick = () => (clock += 5);

  const sheet = (sheetId: string, version: string, n: number, indicators: number) => ({
    sheetId, roadmapId: ROADMAP_ID, version, number: `${(n % 4) + 1}.${Math.floor(n / 4) + 1}`, kind: 'projet', enjeu: ENJEUX[n % 4],
    title: `Fiche de mesure ${sheetId}`, objective: 'Mesurer la montée en charge du suivi', theme: null, context: null, objectives: null,
    pilots: [pilotOf(sheetId)], partners: ['region-centre-val-de-loire'],
    indicators: Array.from({ length: indicators }, (_, k) => ({ indicatorId: `ind-${k + 1}`, name: `Indicateur ${k + 1}`, unit: 'count', targets: [{ value: 1000 * (k + 1), by: '2027-12-31', label: null }] })),
    milestones: [{ milestoneId: 'launch', title: 'Lancement', due: '2017' }, { milestoneId: 'review', title: 'Revue', due: '2021-S2' }],
    continues: [],
  });

  db.transaction(() => {
    const roadmap = `roadmap-${ROADMAP_ID}`;
    put(roadmap, 'RoadmapCreated', {
      roadmapId: ROADMAP_ID, title: 'SCORAN Centre-Val de Loire', region: { code: '24', name: 'Centre-Val de Loire' },
      enjeux: ENJEUX.map((enjeuId, k) => ({ enjeuId, number: k + 1, title: enjeuId })),
    }, tick());
    put(roadmap, 'RoadmapVersionDrafted', { roadmapId: ROADMAP_ID, version: 'V3', basedOn: null, draftedOn: isoDay(firstDayMs) }, tick());
    put(roadmap, 'RoadmapVersionAdopted', { roadmapId: ROADMAP_ID, version: 'V3', adoptedOn: isoDay(firstDayMs).slice(0, 7), adoptedBy: null, facts: null }, tick());
    put(roadmap, 'RoadmapVersionDrafted', { roadmapId: ROADMAP_ID, version: 'V4', basedOn: 'V3', draftedOn: isoDay(firstDayMs) }, tick());
    put(roadmap, 'RoadmapVersionAdopted', { roadmapId: ROADMAP_ID, version: 'V4', adoptedOn: isoDay(firstDayMs), adoptedBy: null, facts: null }, tick());
    for (let i = 0; i < V4_SHEETS; i++) put(sheetStream(v4SheetId(i)), 'SheetCreated', sheet(v4SheetId(i), 'V4', i, 3), tick());
    for (let i = 0; i < v3Sheets; i++) put(sheetStream(v3SheetId(i)), 'SheetCreated', sheet(v3SheetId(i), 'V3', i, 4), tick());
    put(sheetStream(BIG_SHEET), 'SheetCreated', { ...sheet(BIG_SHEET, 'V4', V4_SHEETS, bigIndicators), number: '4.99' }, tick());
    bigCount++;
  })();

  const report = (sheetId: string, indicatorId: string, value: number, observedOn: string, territory: string | null) => ({
    sheetId, indicatorId, reportId: randomUUID(), value, observedOn, territory, source: null, comment: null,
  });
  const bigReports: Array<{ indicatorId: string; reportId: string; observedOn: string }> = [];
  const bigStream = sheetStream(BIG_SHEET);
  const putBig = (type: string, data: any) => {
    put(bigStream, type, data, tick());
    bigCount++;
    if (bigCount % 2000 === 0 && bigReports.length > 10) {
      const target = bigReports[bigReports.length - 7]!;
      put(bigStream, 'IndicatorReportCorrected', { sheetId: BIG_SHEET, indicatorId: target.indicatorId, reportId: target.reportId, value: 1, observedOn: target.observedOn, reason: 'recount' }, tick());
      bigCount++;
    }
    if (bigCount % 3000 === 0) {
      const back = bigReports[Math.floor(bigReports.length / 2)]!;
      put(bigStream, 'IndicatorReported', report(BIG_SHEET, back.indicatorId, 7, back.observedOn, '24'), tick());
      bigCount++;
    }
  };

  for (let w = 0; w < weeks; w++) {
    db.transaction(() => {
      const weekStart = firstDayMs + w * 7 * DAY;
      clock = Math.max(clock, weekStart + 7 * DAY);
      const weekDay = isoDay(weekStart);
      for (let i = 0; i < V4_SHEETS; i++) {
        for (let k = 1; k <= 3; k++) put(sheetStream(v4SheetId(i)), 'IndicatorReported', report(v4SheetId(i), `ind-${k}`, w * k + i, weekDay, null), tick());
      }
      for (let i = 0; i < v3Sheets; i++) {
        for (let k = 1; k <= 4; k++) {
          for (const t of TERRITORIES) put(sheetStream(v3SheetId(i)), 'IndicatorReported', report(v3SheetId(i), `ind-${k}`, w + k, weekDay, t), tick());
        }
      }
      for (let d = 0; d < 7; d++) {
        const day = isoDay(weekStart + d * DAY);
        for (let k = 1; k <= bigIndicators; k++) {
          for (const t of TERRITORIES) {
            const r = report(BIG_SHEET, `ind-${k}`, w * 7 + d, day, t);
            if (t === '24') bigReports.push({ indicatorId: r.indicatorId, reportId: r.reportId, observedOn: day });
            putBig('IndicatorReported', r);
          }
        }
      }
      if (w === 100 || w === 300) {
        for (let i = 0; i < V4_SHEETS; i += 5) put(sheetStream(v4SheetId(i)), 'MilestoneReached', { sheetId: v4SheetId(i), milestoneId: w === 100 ? 'launch' : 'review', reachedOn: weekDay, evidence: null }, tick());
      }
    })();
  }
  db.pragma('journal_mode = WAL');
  db.close();
  return { events: count, seconds: (Date.now() - started) / 1000, firstDay: isoDay(firstDayMs), lastDay: isoDay(firstDayMs + (weeks - 1) * 7 * DAY + 6 * DAY), bigSheetEvents: bigCount };
}
