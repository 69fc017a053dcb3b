import { describe, expect, it } from '@jest/globals';
import { assessmentPeriod, buildAssessment } from './assessment-generator.js';
import { renderAssessment } from './assessment-renderers.js';
import type { AssessmentInput, FindingInput, SheetInput } from './assessment.model.js';
import { addDays } from './calendar-days.js';

const sheet = (over: Partial<SheetInput>): SheetInput => ({
  sheetId: 's', number: '1', title: 'Fiche', enjeu: 'avenir', pilots: ['b-org', 'a-org'],
  outcome: { version: 'V3', outcome: 'active', reason: null, explanation: null, on: null, nextVersion: null, mergedInto: null },
  nextNumber: null, milestones: [], indicators: [], ...over,
});

const input = (sheets: SheetInput[], until: string | null = null): AssessmentInput => ({
  roadmap: { roadmapId: 'r', title: 'Feuille de route', enjeux: [{ enjeuId: 'avenir', number: 4, title: 'Avenir' }, { enjeuId: 'inclusion', number: 2, title: 'Inclusion' }] },
  version: 'V3',
  versions: [{ version: 'V4', status: 'adopted', adoptedOn: '2023-06-26' }, { version: 'V3', status: 'adopted', adoptedOn: '2019-03' }],
  until, sheets,
});

describe('assessment period', () => {
  it('runs from the adoption to the day before the next one', () => {
    expect(assessmentPeriod(input([]).versions, 'V3', null)).toEqual({ start: '2019-03', end: '2023-06-25', endsWith: 'next_adoption', nextVersion: 'V4' });
  });
  it('stops at until when given, and stays open for the current version', () => {
    expect(assessmentPeriod(input([]).versions, 'V3', '2020-12-31')).toMatchObject({ end: '2020-12-31', endsWith: 'until' });
    expect(assessmentPeriod(input([]).versions, 'V4', null)).toEqual({ start: '2023-06-26', end: null, endsWith: 'open', nextVersion: null });
  });
  it('moves across month and leap-year ends', () => {
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('0001-01-01', -1)).toBe('0000-12-31');
  });
});

describe('buildAssessment', () => {
  it('gives a reached milestone without a due date no status against one, and never makes an open-ended one late or missed', () => {
    // Given milestones reached with no due date, and due "2020 et ensuite" / "après 2019", when the V3 (2019-03 → 2023-06-25) is assessed…
    const a = buildAssessment(input([sheet({
      sheetId: 'open', number: '4.2',
      milestones: [
        { milestoneId: 'no-due', title: 'Sans échéance', due: null, reachedOn: '2021-03-31', rescheduled: 0 },
        { milestoneId: 'onwards', title: 'À partir de 2020', due: '2020/..', reachedOn: '2022-01-01', rescheduled: 0 },
        { milestoneId: 'after', title: 'Après 2019', due: '>2019/..', reachedOn: null, rescheduled: 0 },
      ],
    })]));
    // …then the first is "no_due" (nothing to be on time against), the others on time or pending, never late or missed.
    expect(a.enjeux[0]!.sheets[0]!.milestones.map((m) => [m.milestoneId, m.status])).toEqual([['after', 'pending'], ['onwards', 'on_time'], ['no-due', 'no_due']]);
    expect(a.totals).toMatchObject({ milestonesOnTime: 1, milestonesLate: 0, milestonesMissed: 0, milestonesPending: 1, milestonesReachedWithoutDue: 1 });
  });

  it('says how many sheets the sources give the version and over which count its figures are', () => {
    const versions = [{ version: 'V4', status: 'adopted', adoptedOn: '2023-06-26' }, { version: 'V3', status: 'adopted', adoptedOn: '2019-03', sheetCount: { value: 30, qualifier: 'about' as const } }];
    const a = buildAssessment({ ...input([sheet({ sheetId: 'one', number: '4.2' })]), versions });
    expect(a.sheetCount).toEqual({ printed: { value: 30, qualifier: 'about' }, recorded: 1, countsOver: 'recorded' });
    expect(a.totals.sheets).toBe(1);
    expect(buildAssessment(input([])).sheetCount).toEqual({ printed: null, recorded: 0, countsOver: 'recorded' });
  });

  it('classifies outcomes, milestones and indicators over the period', () => {
    const a = buildAssessment(input([
      sheet({
        sheetId: 'kept', number: '4.2', outcome: { version: 'V3', outcome: 'carried_over', reason: null, explanation: null, on: null, nextVersion: 'V4', mergedInto: null }, nextNumber: '4.10',
        milestones: [
          { milestoneId: 'a', title: 'A', due: '2020', reachedOn: '2020-12-31', rescheduled: 0 },
          { milestoneId: 'b', title: 'B', due: '2020-S1', reachedOn: '2021-02-01', rescheduled: 1 },
          { milestoneId: 'c', title: 'C', due: '2022-Q4', reachedOn: null, rescheduled: 0 },
          { milestoneId: 'd', title: 'D', due: '2025', reachedOn: null, rescheduled: 0 },
          { milestoneId: 'e', title: 'E', due: '2018', reachedOn: '2018-05-01', rescheduled: 0 },
          { milestoneId: 'f', title: 'F', due: '2023', reachedOn: '2024-01-01', rescheduled: 0 },
        ],
        indicators: [
          { indicatorId: 'fibre', name: 'Fibre', unit: 'percent', targets: [{ value: 82, qualifier: 'exact', by: '2022-12-31', due: '2022', territory: '24', zone: null, label: null }], reportCount: 2, series: [{ zone: null, last: { observedOn: '2022-12-31', observed: '2022-12-31', value: 80, qualifier: 'exact' }, previous: { observedOn: '2018-12-31', observed: '2018', value: 44, qualifier: 'exact' } }] },
          { indicatorId: 'never', name: 'Jamais', unit: 'count', targets: [], reportCount: 0, series: [] },
        ],
      }),
      sheet({ sheetId: 'gone', number: '2.1', enjeu: 'inclusion', outcome: { version: 'V3', outcome: 'retired', reason: 'insufficient_partners', explanation: 'peu de partenaires', on: '2023-06-26', nextVersion: null, mergedInto: null } }),
      sheet({ sheetId: 'stopped', number: '4.1', outcome: { version: 'V3', outcome: 'retired', reason: 'not_renewed', explanation: 'non reconduit', on: '2023-06-26', nextVersion: null, mergedInto: null } }),
      sheet({ sheetId: 'done-late', number: '4.3', outcome: { version: 'V3', outcome: 'completed', reason: null, explanation: null, on: '2024-01-01', nextVersion: null, mergedInto: null } }),
      sheet({ sheetId: 'unknown', number: '0', enjeu: null }),
    ]));
    expect(a.enjeux.map((e) => e.enjeuId)).toEqual(['inclusion', 'avenir', null]);
    const kept = a.enjeux[1]!.sheets.find((s) => s.sheetId === 'kept')!;
    expect(kept).toMatchObject({ outcome: 'in_progress', carriedOverTo: { version: 'V4', number: '4.10' }, pilots: ['a-org', 'b-org'] });
    expect(kept.milestones.map((m) => [m.milestoneId, m.status])).toEqual([['a', 'on_time'], ['b', 'late'], ['c', 'missed'], ['f', 'pending'], ['d', 'pending']]);
    expect(kept.indicators[0]).toMatchObject({ trend: 'up', againstTarget: 'not_met' });
    expect(kept.neverReported).toEqual([{ indicatorId: 'never', name: 'Jamais' }]);
    expect(a.enjeux[0]!.sheets[0]).toMatchObject({ outcome: 'abandoned', reason: 'insufficient_partners' });
    expect(a.enjeux[1]!.sheets.find((s) => s.sheetId === 'stopped')).toMatchObject({ outcome: 'not_carried_over', reason: 'not_renewed' });
    // Completed after the period closed: still in progress within it.
    expect(a.enjeux[1]!.sheets.find((s) => s.sheetId === 'done-late')!.outcome).toBe('in_progress');
    expect(a.totals).toMatchObject({ sheets: 5, abandoned: 1, notCarriedOver: 1, inProgress: 3, carriedOver: 1, milestonesLate: 1, milestonesMissed: 1, milestonesPending: 2, indicatorsNeverReported: 1, indicatorsReported: 1 });
    expect(a.carriesOver).toEqual([{ sheetId: 'kept', number: '4.2', title: 'Fiche', toVersion: 'V4', toNumber: '4.10' }]);
  });

  it('gives byte-identical output whatever the order of its input rows', () => {
    const sheets = [sheet({ sheetId: 'x', number: '4.10' }), sheet({ sheetId: 'y', number: '4.9' }), sheet({ sheetId: 'z', number: '2.1', enjeu: 'inclusion' })];
    for (const format of ['json', 'md', 'html'] as const) {
      const one = renderAssessment(buildAssessment(input(sheets)), format);
      const two = renderAssessment(buildAssessment(input([...sheets].reverse())), format);
      expect(two).toBe(one);
    }
    expect(buildAssessment(input(sheets)).enjeux[1]!.sheets.map((s) => s.number)).toEqual(['4.9', '4.10']);
  });

  it('escapes text in Markdown and HTML', () => {
    const a = buildAssessment(input([sheet({ title: '<script>alert(1)</script> *gras*' })]));
    expect(renderAssessment(a, 'html')).not.toContain('<script>');
    expect(renderAssessment(a, 'md')).toContain('\\*gras\\*');
  });
});

describe('findings in an assessment', () => {
  const finding = (findingId: string, refersTo: FindingInput['refersTo'], over: Partial<FindingInput> = {}): FindingInput => ({
    findingId, status: 'open', description: `constat ${findingId}`, figures: [{ label: 'Total', printed: 1337268, recomputed: 1401323, recomputedAs: 'somme des départements' }],
    refersTo, provenance: [{ section: 'Annexe 2 – I. Fibrage', quote: '1 337 268' }], resolution: null, ...over,
  });
  const findings = [
    finding('on-this-sheet', [{ sheetId: 's', indicatorId: 'i' }]),
    finding('on-the-document', [{ section: 'Sommaire' }], { status: 'resolved', resolution: { resolution: 'corrigé', on: '2024-01-31' } }),
    finding('on-another-version', [{ sheetId: 'elsewhere' }]),
    finding('withdrawn', [{ sheetId: 's' }], { status: 'withdrawn' }),
  ];

  it('lists the open and resolved findings about the version\'s sheets or the document, with the sheets\' numbers', () => {
    const a = buildAssessment({ ...input([sheet({ number: '2.1' })]), findings });
    expect(a.findings.map((f) => [f.findingId, f.status, f.sheets, f.sections])).toEqual([
      ['on-this-sheet', 'open', [{ sheetId: 's', number: '2.1' }], []],
      ['on-the-document', 'resolved', [], ['Sommaire']],
    ]);
    expect(buildAssessment(input([sheet({})])).findings).toEqual([]);
  });

  it('Markdown and HTML print each finding with printed against recomputed and its quote', () => {
    const a = buildAssessment({ ...input([sheet({ number: '2.1' })]), findings });
    const markdown = renderAssessment(a, 'md');
    expect(markdown).toContain('## Qualité des données');
    expect(markdown).toContain('on-this-sheet (fiche 2.1) — ouvert : constat on-this-sheet');
    expect(markdown).toContain('Total : imprimé 1337268, recalculé 1401323 (somme des départements)');
    expect(markdown).toContain('on-the-document (Sommaire) — résolu le 31 janvier 2024');
    expect(markdown).not.toContain('withdrawn');
    const html = renderAssessment(a, 'html');
    expect(html).toContain('<li data-finding="on-this-sheet" data-status="open">');
    expect(html).toContain('Annexe 2 – I. Fibrage : « 1 337 268 »');
    expect(JSON.parse(renderAssessment(a, 'json')).findings).toHaveLength(2);
  });
});

describe('outcomes the sources leave open', () => {
  const retired = (sheetId: string, reason: string) => sheet({
    sheetId, number: null, enjeu: null, pilots: [],
    outcome: { version: 'V3', outcome: 'retired', reason, explanation: 'Non repris dans la quatrième version', on: '2023-06-26', nextVersion: null, mergedInto: null },
  });

  it('counts "achevés ou non reconduits" and a retirement without a reason as such, never as completed or not renewed', () => {
    const a = buildAssessment(input([
      retired('badges', 'completed_or_not_renewed'), retired('moocs', 'completed_or_not_renewed'), retired('dpo', 'unstated'),
      retired('pass', 'insufficient_partners'), retired('old', 'not_renewed'),
    ]));
    expect(a.totals).toMatchObject({ sheets: 5, completed: 0, abandoned: 1, notCarriedOver: 1, completedOrNotRenewed: 2, unstated: 1, inProgress: 0 });
    const byId = new Map(a.enjeux.flatMap((e) => e.sheets).map((s) => [s.sheetId, s]));
    expect(byId.get('badges')).toMatchObject({ number: null, outcome: 'completed_or_not_renewed', reason: null });
    expect(byId.get('dpo')).toMatchObject({ outcome: 'unstated', reason: null });
    const md = renderAssessment(a, 'md');
    expect(md).toContain('2 achevées ou non reconduites, 1 non reprises sans motif indiqué');
    expect(md).toContain('- Issue : achevée ou non reconduite le 26 juin 2023');
    // A sheet without a number shows no number, not "null".
    expect(md).toContain('### Fiche');
    expect(md).not.toContain('null');
  });
});
