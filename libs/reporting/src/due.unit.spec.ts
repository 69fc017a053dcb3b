import { describe, expect, it } from '@jest/globals';
import ICAL from 'ical.js';
import { dueItems, overdueItems } from './due.js';
import { indicator, report, sheet } from '../../../tests/support/reporting-facts.js';
import { dueCalendar, foldLine, writeCalendar } from './icalendar.js';
import { lagParts, median, percentile, reportingLag, summariseLags } from './reporting-lag.js';

const facts = [
  sheet({
    indicators: [
      indicator({ frequency: 'quarterly', reports: [report({ observedOn: '2024-03-31' }), report({ observedOn: '2023-12-31', territory: '37' })] }),
      indicator({ indicatorId: 'never-reported', name: 'Jamais saisi', frequency: 'monthly' }),
      indicator({ indicatorId: 'study', name: 'Étude', frequency: 'once', target: { value: 1, by: '2024-09-30' } }),
      indicator({ indicatorId: 'study-done', name: 'Étude faite', frequency: 'once', reports: [report({ observedOn: '2024-02-01' })] }),
      indicator({ indicatorId: 'free', name: 'Sans fréquence', frequency: null }),
    ],
    milestones: [
      { milestoneId: 'launch', title: 'Lancement', due: '2024-S1', reachedOn: null },
      { milestoneId: 'done', title: 'Fait', due: '2024-Q1', reachedOn: '2024-03-01' },
      { milestoneId: 'undated', title: 'Sans date', due: null, reachedOn: null },
      { milestoneId: 'later', title: 'Plus tard', due: '2025', reachedOn: null },
    ],
  }),
  sheet({ sheetId: 'closed', status: 'abandoned', indicators: [indicator({ frequency: 'monthly' })] }),
];

describe('what is due', () => {
  it('an indicator is due one period after its latest value (any scope), or after the sheet was recorded; a milestone at the end of its period', () => {
    const items = dueItems(facts, '2024-08-15');
    expect(items.map((i) => [i.kind === 'indicator' ? i.indicatorId : i.milestoneId, i.dueOn, i.daysLate])).toEqual([
      ['never-reported', '2024-02-15', 182],
      ['datasets-published', '2024-06-30', 46],
      ['launch', '2024-06-30', 46],
      ['study', '2024-09-30', -46],
      ['later', '2025-12-31', -503],
    ]);
  });

  it('overdue keeps only what is late: no frequency, a value reported once, reached or undated milestones and closed sheets never are', () => {
    expect(overdueItems(facts, '2024-07-01').map((i) => (i.kind === 'indicator' ? i.indicatorId : i.milestoneId))).toEqual(['never-reported', 'datasets-published', 'launch']);
    expect(overdueItems(facts, '2024-06-30').map((i) => (i.kind === 'indicator' ? i.indicatorId : i.milestoneId))).toEqual(['never-reported']);
  });
});

describe('milestones due as the document prints them', () => {
  it('an open-ended due date ("2024 et ensuite", "après 2023") is never due nor late; "fin 2023 et 2024" is due at the end of 2024', () => {
    // Given milestones due from 2024 on, after 2023, and from "fin 2023" to 2024, when what is due in 2030 is listed…
    const open = [sheet({ milestones: [
      { milestoneId: 'onwards', title: 'À partir de 2024', due: '2024/..', reachedOn: null },
      { milestoneId: 'after', title: 'Après 2023', due: '>2023/..', reachedOn: null },
      { milestoneId: 'late-range', title: 'Fin 2023 et 2024', due: '2023-late/2024', reachedOn: null },
    ] })];
    // …then only the closed range is, due on its last day.
    expect(dueItems(open, '2030-01-01').map((i) => [i.kind === 'milestone' ? i.milestoneId : i.kind, i.dueOn])).toEqual([['late-range', '2024-12-31']]);
    expect(overdueItems(open, '2099-12-31').map((i) => (i.kind === 'milestone' ? i.milestoneId : i.kind))).toEqual(['late-range']);
  });
});

describe('reporting lag', () => {
  it('median and nearest-rank p90', () => {
    expect(median([1, 2, 3, 10])).toBe(2.5);
    expect(median([5])).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([], 90)).toBeNull();
  });

  it('counts days from observedOn to the day of recordedAt; on time = recorded within one period after observedOn', () => {
    const lag = reportingLag([sheet({
      indicators: [
        indicator({ frequency: 'quarterly', reports: [
          report({ observedOn: '2024-03-31', recordedAt: '2024-04-10T08:00:00Z' }),
          report({ observedOn: '2023-12-31', recordedAt: '2024-03-31T23:00:00Z' }),
          report({ observedOn: '2023-09-30', recordedAt: '2024-04-10T08:00:00Z' }),
        ] }),
        indicator({ indicatorId: 'free', frequency: null, reports: [report({ observedOn: '2024-01-01', recordedAt: '2024-01-02T00:00:00Z' })] }),
      ],
    })]);
    expect(lag.overall).toEqual({ reports: 4, medianDays: 50.5, p90Days: 193, onTimeShare: 2 / 3, reportsWithFrequency: 3 });
    expect(lag.sheets).toEqual([expect.objectContaining({ sheetId: 'open-data-challenge', reports: 4 })]);
    expect(reportingLag([]).overall).toEqual({ reports: 0, medianDays: null, p90Days: null, onTimeShare: null, reportsWithFrequency: 0 });
  });

  it('an organisation\'s figures are those of all its sheets\' reports together, not a mean of the sheets\' figures', () => {
    const a = sheet({ sheetId: 'a', indicators: [indicator({ frequency: 'monthly', reports: [
      report({ observedOn: '2024-01-31', recordedAt: '2024-02-01T10:00:00Z' }), // 1 day, on time
      report({ observedOn: '2024-02-29', recordedAt: '2024-06-01T10:00:00Z' }), // 93 days, late
    ] })] });
    const b = sheet({ sheetId: 'b', indicators: [indicator({ frequency: null, reports: [
      report({ observedOn: '2024-01-01', recordedAt: '2024-01-11T00:00:00Z' }), // 10 days
      report({ observedOn: '2024-01-01', recordedAt: '2024-01-04T00:00:00Z' }), // 3 days
      report({ observedOn: '2024-01-01', recordedAt: '2023-12-31T00:00:00Z' }), // recorded before: -1 day
    ] })] });
    const lag = reportingLag([a, b]);
    // Sorted: -1, 1, 3, 10, 93.
    expect(lag.overall).toEqual({ reports: 5, medianDays: 3, p90Days: 93, onTimeShare: 1 / 2, reportsWithFrequency: 2 });
    expect(lag.sheets.map((s) => [s.sheetId, s.medianDays, s.p90Days, s.onTimeShare])).toEqual([['a', 47, 93, 1 / 2], ['b', 3, 10, null]]);
    const parts = [lagParts(a), lagParts(b)];
    expect(summariseLags(parts)).toEqual(lag.overall);
    expect(summariseLags([parts[1]!])).toEqual({ reports: 3, medianDays: 3, p90Days: 10, onTimeShare: null, reportsWithFrequency: 0 });
    expect(summariseLags([])).toEqual(reportingLag([]).overall);
  });
});

describe('the iCalendar feed', () => {
  it('folds lines at 75 octets without splitting a character', () => {
    const folded = foldLine(`SUMMARY:${'é'.repeat(80)}`);
    for (const line of folded.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.split('\r\n').map((l, k) => (k ? l.slice(1) : l)).join('')).toBe(`SUMMARY:${'é'.repeat(80)}`);
  });

  it('is read back by ical.js: one all-day event per due item, escaped text, stable UIDs', () => {
    const text = dueCalendar('region-centre-val-de-loire', dueItems(facts, '2024-08-15'), new Date('2024-08-15T06:00:00Z'));
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    const calendar = new ICAL.Component(ICAL.parse(text));
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => [e.startDate.toString(), e.startDate.isDate, e.endDate.toString()])[0]).toEqual(['2024-02-15', true, '2024-02-16']);
    expect(events.map((e) => e.summary)).toEqual([
      'Saisie 3.10 — Jamais saisi', 'Saisie 3.10 — Jeux de données publiés', 'Jalon 3.10 — Lancement', 'Saisie 3.10 — Étude', 'Jalon 3.10 — Plus tard',
    ]);
    expect(events[1]!.uid).toBe('open-data-challenge.datasets-published.2024-06-30@scoran-tracker');
    const tricky = writeCalendar([{ uid: 'x@y', day: '2024-01-01', summary: 'a, b; c\\d\nfin' }], { name: 'n', stamp: new Date(0) });
    expect(new ICAL.Event(new ICAL.Component(ICAL.parse(tricky)).getFirstSubcomponent('vevent')!).summary).toBe('a, b; c\\d\nfin');
  });
});
