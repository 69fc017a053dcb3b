import { describe, expect, it } from '@jest/globals';
import { deserialize, serialize } from 'node:v8';
import { given } from '../../../../tests/support/decider-scenario.js';
import type { DomainError } from '../shared/domain-error.js';
import { TEXT_LIMITS } from '../shared/text-limits.js';
import type { SheetCommand } from './sheet.commands.js';
import { restoreSheet, sheetDecider } from './sheet.decider.js';
import { ReportTable } from './report-table.js';
import {
  ABANDON_REASONS,
  RETIRE_REASONS,
  type IndicatorDefinition,
  type Target,
  type MilestoneDefinition,
  type SheetCreated,
  type SheetEvent,
  type SheetFields,
} from './sheet.events.js';

const TODAY = '2024-06-30';
/** A target due on a day, as schema version 2 writes one given by `by`: no territory, all zones, exact. */
const target = (value: number, day: string, label: string | null = null): Target => ({ value, qualifier: 'exact', due: day, horizon: null, territory: null, zone: null, label });
const SHEET = 'open-data-challenge';

const indicators: IndicatorDefinition[] = [
  { indicatorId: 'datasets-published', name: 'Jeux de données publiés', unit: 'count', targets: [target(40, '2025-12-31')] },
  { indicatorId: 'communes-covered', name: 'Part des communes couvertes', unit: 'percent', targets: [] },
  { indicatorId: 'budget-spent', name: 'Budget engagé', unit: 'amount', targets: [] },
  { indicatorId: 'reuse-ratio', name: 'Réutilisations par jeu publié', unit: 'ratio', targets: [] },
  { indicatorId: 'net-balance', name: 'Solde des inscriptions', unit: 'number', targets: [] },
];
const milestones: MilestoneDefinition[] = [
  { milestoneId: 'launch', title: 'Lancement du défi', due: '2024-S1' },
  { milestoneId: 'first-edition', title: 'Première édition', due: '2024-S2' },
  { milestoneId: 'jury', title: 'Jury régional', due: null },
];
const fields: SheetFields = {
  number: '3.10', kind: 'projet', enjeu: 'performance', title: 'Défi open data', objective: 'Ouvrir les données publiques',
  theme: 'Données', context: null, objectives: null, pilots: ['region-centre-val-de-loire'], partners: ['gip-recia'],
};

type CreateData = Extract<SheetCommand, { type: 'CreateSheet' }>['data'];
const createSheet = (over: Partial<CreateData> = {}): SheetCommand => ({
  type: 'CreateSheet', metadata: { now: new Date(TODAY) },
  data: { sheetId: SHEET, roadmapId: 'scoran-centre-val-de-loire', version: 'V4', ...fields, indicators, milestones, ...over },
});
const sheetCreated = (over: Partial<SheetCreated['data']> = {}): SheetCreated => ({
  type: 'SheetCreated',
  data: { sheetId: SHEET, roadmapId: 'scoran-centre-val-de-loire', version: 'V4', ...fields, indicators, milestones, continues: [], ...over },
});
/** A command on an existing sheet, with today's date. */
const cmd = <T extends SheetCommand['type']>(type: T, data: Extract<SheetCommand, { type: T }>['data']) =>
  ({ type, data, metadata: { now: new Date(TODAY) } }) as SheetCommand;

const reported = (reportId: string, value: number, observedOn = '2024-03-31', indicatorId = 'datasets-published'): SheetEvent => ({
  type: 'IndicatorReported', data: { sheetId: SHEET, indicatorId, reportId, value, qualifier: 'exact', observed: observedOn, observedOn, territory: '24', zone: null, source: null, comment: null },
});
const completed: SheetEvent = { type: 'ProjectCompleted', data: { sheetId: SHEET, completedOn: '2024-05-31', summary: null } };
const abandoned: SheetEvent = { type: 'ProjectAbandoned', data: { sheetId: SHEET, reason: 'no_funding', explanation: 'Pas de financement', effectiveOn: '2024-05-31' } };
const retired: SheetEvent = {
  type: 'SheetRetired', data: { sheetId: SHEET, version: 'V4', reason: 'not_renewed', explanation: 'Non reconduite en V5', effectiveOn: null, mergedInto: null },
};
const reached = (milestoneId: string, reachedOn = '2024-04-15'): SheetEvent => ({ type: 'MilestoneReached', data: { sheetId: SHEET, milestoneId, reached: reachedOn, statedOn: null, reachedOn, evidence: null } });

const aSheet = (...more: SheetEvent[]) => given(sheetDecider, [sheetCreated(), ...more]);

/** One valid command of each kind that writes to an existing sheet. */
const writes: SheetCommand[] = [
  cmd('ReviseSheet', { changes: { title: 'Défi open data régional' } }),
  cmd('AddIndicator', { indicator: { indicatorId: 'reuses', name: 'Réutilisations', unit: 'count', targets: [] } }),
  cmd('AddMilestone', { milestone: { milestoneId: 'awards', title: 'Remise des prix', due: '2025' } }),
  cmd('SetIndicatorTarget', { indicatorId: 'datasets-published', target: target(60, '2026-12-31') }),
  cmd('ReportIndicator', { indicatorId: 'datasets-published', reportId: 'r-new', value: 12, observedOn: '2024-06-01' }),
  cmd('ReachMilestone', { milestoneId: 'first-edition', reachedOn: '2024-06-15' }),
  cmd('RescheduleMilestone', { milestoneId: 'first-edition', due: '2025-S1' }),
  cmd('CompleteProject', { completedOn: '2024-06-30' }),
  cmd('AbandonProject', { reason: 'out_of_scope', explanation: 'Hors périmètre', effectiveOn: '2024-06-30' }),
  cmd('CarryOverSheet', { toVersion: 'V5' }),
];

describe('creating a sheet', () => {
  it('records its fields, indicators and milestones under a stable id in a roadmap version', () => {
    const state = given(sheetDecider).when(createSheet()).then([sheetCreated()]);
    expect(state).toMatchObject({ status: 'active', sheetId: SHEET, roadmapId: 'scoran-centre-val-de-loire', version: 'V4', fields });
    expect(state.versions).toEqual([{ version: 'V4', number: '3.10' }]);
    expect([...state.indicators.keys()]).toEqual(indicators.map((i) => i.indicatorId));
    expect(state.indicators.get('datasets-published')).toMatchObject({ unit: 'count', targets: indicators[0]!.targets, reports: new ReportTable() });
    expect(state.milestones.get('launch')).toEqual({ milestoneId: 'launch', title: 'Lancement du défi', due: '2024-S1', reachedOn: null });
    expect(state.retired).toBeNull();
  });

  it('fills absent optional texts with null, absent partners and continuations with empty lists', () => {
    const bare = createSheet({ objective: undefined, theme: undefined, partners: undefined, indicators: [], milestones: [] } as Partial<CreateData>);
    given(sheetDecider).when(bare).then([sheetCreated({ objective: null, theme: null, partners: [], indicators: [], milestones: [] })]);
  });

  it('records the sheets of earlier versions it continues', () => {
    given(sheetDecider).when(createSheet({ continues: ['defi-donnees'] })).then([sheetCreated({ continues: ['defi-donnees'] })]);
  });

  it('creates an indicator given without targets with no targets', () => {
    const noTargets = { indicatorId: 'reuses', name: 'Réutilisations', unit: 'count' } as IndicatorDefinition;
    given(sheetDecider).when(createSheet({ indicators: [noTargets] }))
      .then([sheetCreated({ indicators: [{ ...noTargets, targets: [] }] })]);
  });

  it('a milestone without a date is due null', () => {
    const undated = { milestoneId: 'jury', title: 'Jury' } as MilestoneDefinition;
    given(sheetDecider).when(createSheet({ milestones: [undated] })).then([sheetCreated({ milestones: [{ ...undated, due: null }] })]);
  });

  it.each(['Open-Data', 'open_data', 'open--data', '-open', '', 'a'.repeat(81)])('the sheet id must be a kebab-case slug (not %j)', (sheetId) => {
    given(sheetDecider).when(createSheet({ sheetId })).thenThrows('invalid_id', 'invalid');
  });

  it('the roadmap id must be a kebab-case slug', () => {
    given(sheetDecider).when(createSheet({ roadmapId: 'SCORAN CVL' })).thenThrows('invalid_id', 'invalid');
  });

  it.each(['4', 'v4', 'V', 'V4.1', ''])('the version must look like V4 (not %j)', (version) => {
    given(sheetDecider).when(createSheet({ version })).thenThrows('invalid_version', 'invalid');
  });

  it.each(['1', '3.10', '4.13', '2.1.3', '12.100'])('accepts the sheet number %s', (number) => {
    given(sheetDecider).when(createSheet({ number })).then([sheetCreated({ number })]);
  });

  it.each(['3.', '.1', 'A.1', '123.1', '3.1234', '1.2.3.4', '3,10', ''])('rejects the sheet number %j', (number) => {
    given(sheetDecider).when(createSheet({ number })).thenThrows('invalid_number', 'invalid');
  });

  it('the kind is animation or projet', () => {
    given(sheetDecider).when(createSheet({ kind: 'animation' })).then([sheetCreated({ kind: 'animation' })]);
    given(sheetDecider).when(createSheet({ kind: 'programme' as never })).thenThrows('invalid_kind', 'invalid');
  });

  it.each(['transversal', 'inclusion', 'performance', 'avenir'] as const)('the enjeu %s is accepted', (enjeu) => {
    given(sheetDecider).when(createSheet({ enjeu })).then([sheetCreated({ enjeu })]);
  });

  it('an enjeu outside the four of the roadmap is rejected', () => {
    given(sheetDecider).when(createSheet({ enjeu: 'securite' as never })).thenThrows('invalid_enjeu', 'invalid');
  });

  it('the title is a non-empty text of at most 300 characters', () => {
    given(sheetDecider).when(createSheet({ title: '   ' })).thenThrows('missing_text', 'invalid');
    given(sheetDecider).when(createSheet({ title: 'x'.repeat(301) })).thenThrows('text_too_long', 'invalid');
  });

  it('a sheet needs at least one pilot', () => {
    given(sheetDecider).when(createSheet({ pilots: [] })).thenThrows('pilot_required', 'rule');
  });

  it.each([['number', 'invalid_number', 'invalid'], ['kind', 'invalid_kind', 'invalid'], ['enjeu', 'invalid_enjeu', 'invalid'], ['title', 'missing_text', 'invalid'], ['pilots', 'pilot_required', 'rule']] as const)(
    'a sheet cannot be created without its %s',
    (field, code, kind) => {
      given(sheetDecider).when(createSheet({ [field]: undefined })).thenThrows(code, kind);
    },
  );

  it('pilots and partners are organisation ids', () => {
    given(sheetDecider).when(createSheet({ pilots: ['Région CVL'] })).thenThrows('invalid_id', 'invalid');
    given(sheetDecider).when(createSheet({ partners: ['gip-recia', 'GIP RECIA'] })).thenThrows('invalid_id', 'invalid');
  });

  it('indicator and milestone ids are kebab-case slugs', () => {
    given(sheetDecider).when(createSheet({ indicators: [{ ...indicators[0]!, indicatorId: 'Datasets' }] })).thenThrows('invalid_id', 'invalid');
    given(sheetDecider).when(createSheet({ milestones: [{ ...milestones[0]!, milestoneId: 'launch day' }] })).thenThrows('invalid_id', 'invalid');
  });

  it('an indicator has a name and a milestone a title', () => {
    given(sheetDecider).when(createSheet({ indicators: [{ ...indicators[0]!, name: '' }] })).thenThrows('missing_text', 'invalid');
    given(sheetDecider).when(createSheet({ milestones: [{ ...milestones[0]!, title: ' ' }] })).thenThrows('missing_text', 'invalid');
  });

  it('an indicator id is defined once', () => {
    given(sheetDecider).when(createSheet({ indicators: [indicators[0]!, { ...indicators[1]!, indicatorId: 'datasets-published' }] }))
      .thenThrows('duplicate_indicator', 'conflict');
  });

  it('a milestone id is defined once', () => {
    given(sheetDecider).when(createSheet({ milestones: [milestones[0]!, { ...milestones[1]!, milestoneId: 'launch' }] }))
      .thenThrows('duplicate_milestone', 'conflict');
  });

  it('an indicator is measured in a known unit', () => {
    given(sheetDecider).when(createSheet({ indicators: [{ ...indicators[0]!, unit: 'euros' as never }] })).thenThrows('invalid_unit', 'invalid');
  });

  it('a target value fits the indicator unit', () => {
    const withTarget = (unit: IndicatorDefinition['unit'], value: number) => createSheet({ indicators: [{ ...indicators[0]!, unit, targets: [{ value, by: '2025-12-31' }] }] });
    given(sheetDecider).when(withTarget('percent', 120)).thenThrows('value_does_not_fit_unit', 'rule');
    given(sheetDecider).when(withTarget('count', 2.5)).thenThrows('value_does_not_fit_unit', 'rule');
    given(sheetDecider).when(withTarget('amount', Number.NaN)).thenThrows('value_not_finite', 'rule');
  });

  it('a target is due by a real calendar day', () => {
    given(sheetDecider).when(createSheet({ indicators: [{ ...indicators[0]!, targets: [{ value: 1, by: '2025-02-30' }] }] })).thenThrows('invalid_date', 'invalid');
    given(sheetDecider).when(createSheet({ indicators: [{ ...indicators[0]!, targets: [{ value: 1, by: '2025-S2' }] }] })).thenThrows('invalid_date', 'invalid');
  });

  it('a milestone is due in a period', () => {
    given(sheetDecider).when(createSheet({ milestones: [{ ...milestones[0]!, due: '2024-S3' }] })).thenThrows('invalid_period', 'invalid');
    given(sheetDecider).when(createSheet({ milestones: [{ ...milestones[0]!, due: '2023-S2/2024-S1' }] }))
      .then([sheetCreated({ milestones: [{ ...milestones[0]!, due: '2023-S2/2024-S1' }] })]);
  });

  it('a sheet is created once', () => {
    aSheet().when(createSheet()).thenThrows('sheet_exists', 'conflict');
    aSheet(completed).when(createSheet()).thenThrows('sheet_exists', 'conflict');
  });
});

describe('a sheet that does not exist', () => {
  const others: SheetCommand[] = [
    ...writes,
    cmd('CorrectIndicatorReport', { indicatorId: 'datasets-published', reportId: 'r1', value: 3, reason: 'typo' }),
    cmd('RetireSheet', { reason: 'not_renewed', explanation: 'Non reconduite' }),
  ];
  it.each(others.map((c) => [c.type, c] as const))('refuses %s with sheet_not_found', (_type, command) => {
    given(sheetDecider).when(command).thenThrows('sheet_not_found', 'not_found');
  });
});

describe('a closed sheet accepts no further writes', () => {
  const closures = { completed: [completed], abandoned: [abandoned], retired: [retired] } as const;
  const cases = Object.entries(closures).flatMap(([status, events]) => writes.map((c) => [c.type, status, events, c] as const));
  it.each(cases)('%s on a %s sheet is refused with sheet_closed', (_type, status, events, command) => {
    const error = aSheet(...events).when(command).thenThrows('sheet_closed', 'rule');
    expect(error.details).toEqual({ status });
  });

  it('a retired sheet cannot be retired again', () => {
    aSheet(retired).when(cmd('RetireSheet', { reason: 'other', explanation: 'Encore' })).thenThrows('sheet_closed', 'rule');
  });
});

describe('revising a sheet', () => {
  it('changes the given fields and keeps the reason', () => {
    const state = aSheet().when(cmd('ReviseSheet', { changes: { title: 'Défi open data régional', partners: [] }, reason: 'Comité du 12 mars' }))
      .then([{ type: 'SheetRevised', data: { sheetId: SHEET, changes: { title: 'Défi open data régional', partners: [] }, reason: 'Comité du 12 mars' } }]);
    expect(state.fields).toEqual({ ...fields, title: 'Défi open data régional', partners: [] });
  });

  it('without a reason, the reason is null', () => {
    expect(aSheet().when(cmd('ReviseSheet', { changes: { enjeu: 'avenir' } })).events()[0]).toMatchObject({ data: { reason: null } });
  });

  it('a new number renumbers the sheet in its current version only', () => {
    const state = aSheet().when(cmd('ReviseSheet', { changes: { number: '3.11' } }))
      .then([{ type: 'SheetRevised', data: { sheetId: SHEET, changes: { number: '3.11' }, reason: null } }]);
    expect(state.fields.number).toBe('3.11');
    expect(state.versions).toEqual([{ version: 'V4', number: '3.11' }]);
  });

  it('a revision changes at least one field', () => {
    aSheet().when(cmd('ReviseSheet', { changes: {} })).thenThrows('no_change', 'invalid');
  });

  it('fields given with their current value are no change', () => {
    aSheet().when(cmd('ReviseSheet', { changes: { title: fields.title, pilots: [...fields.pilots] } })).thenThrows('no_change', 'invalid');
  });

  it('only the fields that differ are recorded; absent (undefined) fields change nothing', () => {
    const changes = { title: fields.title, number: undefined, objective: 'Publier 40 jeux' } as Partial<SheetFields>;
    const state = aSheet().when(cmd('ReviseSheet', { changes }))
      .then([{ type: 'SheetRevised', data: { sheetId: SHEET, changes: { objective: 'Publier 40 jeux' }, reason: null } }]);
    expect(state.fields).toEqual({ ...fields, objective: 'Publier 40 jeux' });
  });

  it('a field the sheet does not have cannot be revised', () => {
    aSheet().when(cmd('ReviseSheet', { changes: { status: 'completed' } as never })).thenThrows('unknown_field', 'invalid');
  });

  it('revised fields obey the creation rules', () => {
    aSheet().when(cmd('ReviseSheet', { changes: { number: '3.x' } })).thenThrows('invalid_number', 'invalid');
    aSheet().when(cmd('ReviseSheet', { changes: { kind: 'plan' as never } })).thenThrows('invalid_kind', 'invalid');
    aSheet().when(cmd('ReviseSheet', { changes: { enjeu: 'x' as never } })).thenThrows('invalid_enjeu', 'invalid');
    aSheet().when(cmd('ReviseSheet', { changes: { title: '' } })).thenThrows('missing_text', 'invalid');
    aSheet().when(cmd('ReviseSheet', { changes: { partners: ['Not An Id'] } })).thenThrows('invalid_id', 'invalid');
  });

  it('a revision cannot remove the last pilot', () => {
    aSheet().when(cmd('ReviseSheet', { changes: { pilots: [] } })).thenThrows('pilot_required', 'rule');
  });
});

describe('indicators', () => {
  const reuses: IndicatorDefinition = { indicatorId: 'reuses', name: 'Réutilisations', unit: 'count', targets: [target(10, '2025-06-30')] };

  it('an indicator can be added to an open sheet', () => {
    const state = aSheet().when(cmd('AddIndicator', { indicator: reuses })).then([{ type: 'IndicatorAdded', data: { sheetId: SHEET, indicator: reuses } }]);
    expect(state.indicators.get('reuses')).toEqual({ ...reuses, reports: new ReportTable() });
  });

  it('an added indicator without targets has none', () => {
    const bare = { indicatorId: 'reuses', name: 'Réutilisations', unit: 'count' } as IndicatorDefinition;
    aSheet().when(cmd('AddIndicator', { indicator: bare })).then([{ type: 'IndicatorAdded', data: { sheetId: SHEET, indicator: { ...bare, targets: [] } } }]);
  });

  it('an indicator id is used once per sheet', () => {
    aSheet().when(cmd('AddIndicator', { indicator: { ...reuses, indicatorId: 'datasets-published' } })).thenThrows('indicator_exists', 'conflict');
  });

  it('an added indicator obeys the creation rules', () => {
    aSheet().when(cmd('AddIndicator', { indicator: { ...reuses, indicatorId: 'Reuses' } })).thenThrows('invalid_id', 'invalid');
    aSheet().when(cmd('AddIndicator', { indicator: { ...reuses, unit: 'kg' as never } })).thenThrows('invalid_unit', 'invalid');
    aSheet().when(cmd('AddIndicator', { indicator: { ...reuses, targets: [target(-1, '2025-06-30')] } })).thenThrows('value_does_not_fit_unit', 'rule');
  });

  it('a target is set with its label, null when absent, and replaces the target of the same day', () => {
    const state = aSheet().when(cmd('SetIndicatorTarget', { indicatorId: 'datasets-published', target: target(55, '2025-12-31') }))
      .then([{ type: 'IndicatorTargetSet', data: { sheetId: SHEET, indicatorId: 'datasets-published', target: target(55, '2025-12-31') } }]);
    expect(state.indicators.get('datasets-published')!.targets).toEqual([target(55, '2025-12-31')]);
  });

  it('targets are kept in date order', () => {
    const state = aSheet().when(cmd('SetIndicatorTarget', { indicatorId: 'datasets-published', target: target(20, '2024-12-31', 'mi-parcours') }))
      .then([{ type: 'IndicatorTargetSet', data: { sheetId: SHEET, indicatorId: 'datasets-published', target: target(20, '2024-12-31', 'mi-parcours') } }]);
    expect(state.indicators.get('datasets-published')!.targets.map((t) => t.due)).toEqual(['2024-12-31', '2025-12-31']);
  });

  it('a target is set on an indicator the sheet has', () => {
    aSheet().when(cmd('SetIndicatorTarget', { indicatorId: 'unknown', target: target(1, '2025-01-01') })).thenThrows('indicator_not_found', 'not_found');
  });

  it('a target fits the unit and falls on a real day', () => {
    aSheet().when(cmd('SetIndicatorTarget', { indicatorId: 'communes-covered', target: target(101, '2025-01-01') })).thenThrows('value_does_not_fit_unit', 'rule');
    aSheet().when(cmd('SetIndicatorTarget', { indicatorId: 'communes-covered', target: { value: 80, by: '2025-02-29' } })).thenThrows('invalid_date', 'invalid');
  });
});

describe('milestones', () => {
  it('a milestone can be added, with or without a due period', () => {
    const state = aSheet().when(cmd('AddMilestone', { milestone: { milestoneId: 'awards', title: 'Remise des prix', due: '2025-Q2' } }))
      .then([{ type: 'MilestoneAdded', data: { sheetId: SHEET, milestone: { milestoneId: 'awards', title: 'Remise des prix', due: '2025-Q2' } } }]);
    expect(state.milestones.get('awards')).toEqual({ milestoneId: 'awards', title: 'Remise des prix', due: '2025-Q2', reachedOn: null });
    aSheet().when(cmd('AddMilestone', { milestone: { milestoneId: 'awards', title: 'Remise des prix' } as MilestoneDefinition }))
      .then([{ type: 'MilestoneAdded', data: { sheetId: SHEET, milestone: { milestoneId: 'awards', title: 'Remise des prix', due: null } } }]);
  });

  it('a milestone id is used once per sheet', () => {
    aSheet().when(cmd('AddMilestone', { milestone: { milestoneId: 'launch', title: 'Autre', due: null } })).thenThrows('milestone_exists', 'conflict');
  });

  it('an added milestone is due in a period', () => {
    aSheet().when(cmd('AddMilestone', { milestone: { milestoneId: 'awards', title: 'Prix', due: 'bientôt' } })).thenThrows('invalid_period', 'invalid');
  });

  it('reaching a milestone records the day', () => {
    const state = aSheet().when(cmd('ReachMilestone', { milestoneId: 'launch', reachedOn: '2024-03-15', evidence: 'Communiqué' }))
      .then([{ type: 'MilestoneReached', data: { sheetId: SHEET, milestoneId: 'launch', reached: '2024-03-15', statedOn: null, reachedOn: '2024-03-15', evidence: 'Communiqué' } }]);
    expect(state.milestones.get('launch')!.reachedOn).toBe('2024-03-15');
    expect(state.milestones.get('first-edition')!.reachedOn).toBeNull();
  });

  it('a milestone can be reached today but not after', () => {
    aSheet().when(cmd('ReachMilestone', { milestoneId: 'launch', reachedOn: TODAY })).events();
    aSheet().when(cmd('ReachMilestone', { milestoneId: 'launch', reachedOn: '2024-07-01' })).thenThrows('date_in_future', 'rule');
  });

  it('a milestone is reached on a real calendar day', () => {
    aSheet().when(cmd('ReachMilestone', { milestoneId: 'launch', reachedOn: '2023-02-30' })).thenThrows('invalid_date', 'invalid');
  });

  it('a milestone is reached once', () => {
    const error = aSheet(reached('launch')).when(cmd('ReachMilestone', { milestoneId: 'launch', reachedOn: '2024-05-01' })).thenThrows('milestone_already_reached', 'conflict');
    expect(error.details).toMatchObject({ reachedOn: '2024-04-15' });
  });

  it('only a milestone the sheet has can be reached', () => {
    aSheet().when(cmd('ReachMilestone', { milestoneId: 'unknown', reachedOn: '2024-05-01' })).thenThrows('milestone_not_found', 'not_found');
  });

  it('rescheduling moves the due period and remembers the previous one', () => {
    const state = aSheet().when(cmd('RescheduleMilestone', { milestoneId: 'first-edition', due: '2025-S1', reason: 'Report du jury' }))
      .then([{ type: 'MilestoneRescheduled', data: { sheetId: SHEET, milestoneId: 'first-edition', due: '2025-S1', previousDue: '2024-S2', reason: 'Report du jury' } }]);
    expect(state.milestones.get('first-edition')).toEqual({ milestoneId: 'first-edition', title: 'Première édition', due: '2025-S1', reachedOn: null, rescheduled: true });
  });

  it('a milestone without a date gets one, its previous due being null', () => {
    aSheet().when(cmd('RescheduleMilestone', { milestoneId: 'jury', due: '2024-11' }))
      .then([{ type: 'MilestoneRescheduled', data: { sheetId: SHEET, milestoneId: 'jury', due: '2024-11', previousDue: null, reason: null } }]);
  });

  it('a reached milestone cannot be rescheduled', () => {
    aSheet(reached('launch')).when(cmd('RescheduleMilestone', { milestoneId: 'launch', due: '2024-S2' })).thenThrows('milestone_already_reached', 'conflict');
  });

  it('a milestone is rescheduled to a period', () => {
    aSheet().when(cmd('RescheduleMilestone', { milestoneId: 'launch', due: '2024-13' })).thenThrows('invalid_period', 'invalid');
  });

  it('rescheduling to the same period changes nothing and is refused', () => {
    aSheet().when(cmd('RescheduleMilestone', { milestoneId: 'launch', due: '2024-S1' })).thenThrows('same_due', 'rule');
  });

  it('only a milestone the sheet has can be rescheduled', () => {
    aSheet().when(cmd('RescheduleMilestone', { milestoneId: 'unknown', due: '2025' })).thenThrows('milestone_not_found', 'not_found');
  });
});

describe('correcting a milestone definition to the document\'s form', () => {
  const reason = 'Échéance telle qu\'imprimée : Partie III — « 2024 et ensuite »';
  const horizon = { duration: 'P3Y', from: '2023-06-26', printed: 'à 3 ans' };

  it('gives the printed form and says what the definition recorded, without counting as a rescheduling', () => {
    const state = aSheet().when(cmd('CorrectMilestoneDefinition', { milestoneId: 'launch', due: '2024/..', uncertain: true, reason }))
      .then([{ type: 'MilestoneDefinitionCorrected', data: { sheetId: SHEET, milestoneId: 'launch', due: '2024/..', uncertain: true, previous: { due: '2024-S1' }, reason } }]);
    expect(state.milestones.get('launch')).toEqual({ milestoneId: 'launch', title: 'Lancement du défi', due: '2024/..', uncertain: true, reachedOn: null });
    // A relative horizon replaces a day the document never gave; the doubt goes with the old label.
    const openEnded: SheetEvent = { type: 'MilestoneDefinitionCorrected', data: { sheetId: SHEET, milestoneId: 'launch', due: '2024/..', uncertain: true, previous: { due: '2024-S1' }, reason } };
    const relative = aSheet(openEnded).when(cmd('CorrectMilestoneDefinition', { milestoneId: 'launch', due: null, horizon, reason }))
      .then([{ type: 'MilestoneDefinitionCorrected', data: { sheetId: SHEET, milestoneId: 'launch', due: null, horizon, previous: { due: '2024/..', uncertain: true }, reason } }]);
    expect(relative.milestones.get('launch')).toEqual({ milestoneId: 'launch', title: 'Lancement du défi', due: null, horizon, reachedOn: null });
  });

  it('applies to a reached milestone and to a closed sheet: it corrects the record of the plan, not the sheet', () => {
    aSheet(reached('launch'), completed).when(cmd('CorrectMilestoneDefinition', { milestoneId: 'launch', due: '2024', reason })).events();
    expect(aSheet(reached('launch'), retired).when(cmd('CorrectMilestoneDefinition', { milestoneId: 'launch', due: '2024', reason })).events()[0]!.type).toBe('MilestoneDefinitionCorrected');
  });

  it('is refused once a pilot rescheduled the milestone, when nothing changes, and for what a definition cannot say', () => {
    aSheet({ type: 'MilestoneRescheduled', data: { sheetId: SHEET, milestoneId: 'launch', due: '2025', previousDue: '2024-S1', reason: null } })
      .when(cmd('CorrectMilestoneDefinition', { milestoneId: 'launch', due: '2024/..', reason })).thenThrows('milestone_rescheduled', 'conflict');
    aSheet().when(cmd('CorrectMilestoneDefinition', { milestoneId: 'launch', due: '2024-S1', reason })).thenThrows('definition_already_correct', 'conflict');
    aSheet().when(cmd('CorrectMilestoneDefinition', { milestoneId: 'launch', due: '2026', horizon, reason })).thenThrows('due_with_horizon', 'invalid');
    aSheet().when(cmd('CorrectMilestoneDefinition', { milestoneId: 'launch', due: '2024-13', reason })).thenThrows('invalid_period', 'invalid');
    aSheet().when(cmd('CorrectMilestoneDefinition', { milestoneId: 'launch', due: '2025', reason: ' ' })).thenThrows('missing_text', 'invalid');
    aSheet().when(cmd('CorrectMilestoneDefinition', { milestoneId: 'unknown', due: '2025', reason })).thenThrows('milestone_not_found', 'not_found');
    given(sheetDecider, []).when(cmd('CorrectMilestoneDefinition', { milestoneId: 'launch', due: '2025', reason })).thenThrows('sheet_not_found', 'not_found');
  });
});

describe('reporting an indicator value', () => {
  const report = (value: number, over: Partial<Extract<SheetCommand, { type: 'ReportIndicator' }>['data']> = {}) =>
    cmd('ReportIndicator', { indicatorId: 'datasets-published', reportId: 'r1', value, observedOn: '2024-03-31', ...over });

  it('records the value, the day it was observed, the territory, the source and the comment', () => {
    const state = aSheet().when(report(12, { territory: '37', source: 'data.centrevaldeloire.fr', comment: 'T1' }))
      .then([{ type: 'IndicatorReported', data: { sheetId: SHEET, indicatorId: 'datasets-published', reportId: 'r1', value: 12, qualifier: 'exact', observed: '2024-03-31', observedOn: '2024-03-31', territory: '37', zone: null, source: 'data.centrevaldeloire.fr', comment: 'T1' } }]);
    expect(new Map(state.indicators.get('datasets-published')!.reports)).toEqual(new Map([['r1', { value: 12, qualifier: 'exact', observed: '2024-03-31', observedOn: '2024-03-31', territory: '37' }]]));
  });

  it('absent territory, source and comment are null; a zone is kept when given', () => {
    aSheet().when(report(12)).then([{ type: 'IndicatorReported', data: { sheetId: SHEET, indicatorId: 'datasets-published', reportId: 'r1', value: 12, qualifier: 'exact', observed: '2024-03-31', observedOn: '2024-03-31', territory: null, zone: null, source: null, comment: null } }]);
    expect(aSheet().when(report(12, { zone: 'privee' })).events()[0]!.data).toMatchObject({ zone: 'privee' });
  });

  it('only an indicator the sheet has can be reported', () => {
    aSheet().when(report(1, { indicatorId: 'unknown' })).thenThrows('indicator_not_found', 'not_found');
  });

  it('a count is a whole number, zero or more', () => {
    aSheet().when(report(0)).events();
    aSheet().when(report(2.5)).thenThrows('value_does_not_fit_unit', 'rule');
    aSheet().when(report(-1)).thenThrows('value_does_not_fit_unit', 'rule');
  });

  it('a percentage lies between 0 and 100', () => {
    aSheet().when(report(100, { indicatorId: 'communes-covered' })).events();
    aSheet().when(report(0, { indicatorId: 'communes-covered' })).events();
    aSheet().when(report(100.5, { indicatorId: 'communes-covered' })).thenThrows('value_does_not_fit_unit', 'rule');
    aSheet().when(report(-0.1, { indicatorId: 'communes-covered' })).thenThrows('value_does_not_fit_unit', 'rule');
  });

  it('an amount is zero or more', () => {
    aSheet().when(report(15000.5, { indicatorId: 'budget-spent' })).events();
    aSheet().when(report(-1, { indicatorId: 'budget-spent' })).thenThrows('value_does_not_fit_unit', 'rule');
  });

  it('a ratio is zero or more', () => {
    aSheet().when(report(1.75, { indicatorId: 'reuse-ratio' })).events();
    aSheet().when(report(-0.5, { indicatorId: 'reuse-ratio' })).thenThrows('value_does_not_fit_unit', 'rule');
  });

  it('a plain number is any finite number, negative included', () => {
    aSheet().when(report(-42.5, { indicatorId: 'net-balance' })).events();
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('%s is no value, whatever the unit', (value) => {
    for (const i of indicators) aSheet().when(report(value, { indicatorId: i.indicatorId })).thenThrows('value_not_finite', 'rule');
  });

  it('a value is observed today at the latest', () => {
    aSheet().when(report(1, { observedOn: TODAY })).events();
    aSheet().when(report(1, { observedOn: '2024-07-01' })).thenThrows('date_in_future', 'rule');
  });

  it('a value is observed on a real calendar day', () => {
    aSheet().when(report(1, { observedOn: '2023-02-30' })).thenThrows('invalid_date', 'invalid');
    aSheet().when(report(1, { observedOn: '2024-Q1' })).thenThrows('invalid_date', 'invalid');
  });

  it.each(['24', '18', '28', '36', '37', '41', '45'])('the territory %s (region or one of its departments) is accepted', (territory) => {
    aSheet().when(report(1, { territory })).events();
  });

  it.each(['75', '2A', '037', 'FR', ''])('the territory %j is refused', (territory) => {
    aSheet().when(report(1, { territory })).thenThrows('invalid_territory', 'invalid');
  });

  it('a report id is used once per indicator', () => {
    aSheet(reported('r1', 5)).when(report(6)).thenThrows('report_exists', 'conflict');
  });

  it('a report id can be reused on another indicator', () => {
    aSheet(reported('r1', 5)).when(report(6, { indicatorId: 'budget-spent' })).events();
  });
});

describe('correcting a reported value', () => {
  const correct = (value: number, over: Partial<Extract<SheetCommand, { type: 'CorrectIndicatorReport' }>['data']> = {}) =>
    cmd('CorrectIndicatorReport', { indicatorId: 'datasets-published', reportId: 'r1', value, reason: 'Erreur de saisie', ...over });

  it('replaces the value, keeping the observation day unless one is given', () => {
    const state = aSheet(reported('r1', 5), reported('r2', 7, '2024-04-30')).when(correct(6))
      .then([{ type: 'IndicatorReportCorrected', data: { sheetId: SHEET, indicatorId: 'datasets-published', reportId: 'r1', value: 6, observed: '2024-03-31', observedOn: '2024-03-31', reason: 'Erreur de saisie' } }]);
    expect(new Map(state.indicators.get('datasets-published')!.reports)).toEqual(new Map([
      ['r1', { value: 6, qualifier: 'exact', observed: '2024-03-31', observedOn: '2024-03-31', territory: '24' }],
      ['r2', { value: 7, qualifier: 'exact', observed: '2024-04-30', observedOn: '2024-04-30', territory: '24' }],
    ]));
  });

  it('can move the observation day alone', () => {
    const state = aSheet(reported('r1', 5)).when(correct(5, { observedOn: '2024-02-29' }))
      .then([{ type: 'IndicatorReportCorrected', data: { sheetId: SHEET, indicatorId: 'datasets-published', reportId: 'r1', value: 5, observed: '2024-02-29', observedOn: '2024-02-29', reason: 'Erreur de saisie' } }]);
    expect(state.indicators.get('datasets-published')!.reports.get('r1')).toEqual({ value: 5, qualifier: 'exact', observed: '2024-02-29', observedOn: '2024-02-29', territory: '24' });
  });

  it.each([['completed', completed], ['abandoned', abandoned], ['retired', retired]] as const)('is allowed on a %s sheet, since the record must stay true', (_status, closure) => {
    aSheet(reported('r1', 5), closure).when(correct(6)).events();
  });

  it('corrects a report that exists, of an indicator that exists', () => {
    aSheet(reported('r1', 5)).when(correct(6, { indicatorId: 'unknown' })).thenThrows('indicator_not_found', 'not_found');
    aSheet(reported('r1', 5)).when(correct(6, { reportId: 'r9' })).thenThrows('report_not_found', 'not_found');
  });

  it('the corrected value fits the unit', () => {
    aSheet(reported('r1', 5)).when(correct(-3)).thenThrows('value_does_not_fit_unit', 'rule');
    aSheet(reported('r1', 5)).when(correct(Number.NaN)).thenThrows('value_not_finite', 'rule');
  });

  it('the corrected observation day is a real day, not after today', () => {
    aSheet(reported('r1', 5)).when(correct(5, { observedOn: '2024-12-01' })).thenThrows('date_in_future', 'rule');
    aSheet(reported('r1', 5)).when(correct(5, { observedOn: '2024-04-31' })).thenThrows('invalid_date', 'invalid');
  });

  it('a correction gives its reason', () => {
    aSheet(reported('r1', 5)).when(correct(6, { reason: ' ' })).thenThrows('missing_text', 'invalid');
  });

  it('a correction must change the value or the day', () => {
    aSheet(reported('r1', 5)).when(correct(5)).thenThrows('correction_changes_nothing', 'rule');
    aSheet(reported('r1', 5)).when(correct(5, { observedOn: '2024-03-31' })).thenThrows('correction_changes_nothing', 'rule');
  });

  it('a second correction applies to the corrected report', () => {
    aSheet(reported('r1', 5), { type: 'IndicatorReportCorrected', data: { sheetId: SHEET, indicatorId: 'datasets-published', reportId: 'r1', value: 6, observed: '2024-03-31', observedOn: '2024-03-31', reason: 'x' } })
      .when(correct(6)).thenThrows('correction_changes_nothing', 'rule');
  });
});

describe('completing a project', () => {
  it('records the day and closes the sheet', () => {
    const state = aSheet().when(cmd('CompleteProject', { completedOn: '2024-06-28', summary: '40 jeux publiés' }))
      .then([{ type: 'ProjectCompleted', data: { sheetId: SHEET, completedOn: '2024-06-28', summary: '40 jeux publiés' } }]);
    expect(state.status).toBe('completed');
  });

  it('a project is completed today at the latest, on a real day', () => {
    aSheet().when(cmd('CompleteProject', { completedOn: '2024-07-01' })).thenThrows('date_in_future', 'rule');
    aSheet().when(cmd('CompleteProject', { completedOn: '2024-06-31' })).thenThrows('invalid_date', 'invalid');
  });
});

describe('abandoning a project', () => {
  const abandon = (over: Partial<Extract<SheetCommand, { type: 'AbandonProject' }>['data']> = {}) =>
    cmd('AbandonProject', { reason: 'insufficient_partners', explanation: 'Trop peu de partenaires', effectiveOn: '2024-06-01', ...over });

  it('records the reason and the explanation and closes the sheet', () => {
    const state = aSheet().when(abandon())
      .then([{ type: 'ProjectAbandoned', data: { sheetId: SHEET, reason: 'insufficient_partners', explanation: 'Trop peu de partenaires', effectiveOn: '2024-06-01' } }]);
    expect(state.status).toBe('abandoned');
  });

  it.each([...ABANDON_REASONS])('%s is an allowed reason', (reason) => {
    aSheet().when(abandon({ reason })).events();
  });

  it('a reason outside the allowed ones is refused', () => {
    aSheet().when(abandon({ reason: 'bored' as never })).thenThrows('invalid_reason', 'invalid');
    aSheet().when(abandon({ reason: 'completed' as never })).thenThrows('invalid_reason', 'invalid');
  });

  it('the explanation is not empty', () => {
    aSheet().when(abandon({ explanation: '' })).thenThrows('missing_text', 'invalid');
    aSheet().when(abandon({ explanation: '  \n ' })).thenThrows('missing_text', 'invalid');
  });

  it('the abandonment takes effect on a real day', () => {
    aSheet().when(abandon({ effectiveOn: '2024-02-30' })).thenThrows('invalid_date', 'invalid');
  });
});

describe('retiring a sheet from the roadmap', () => {
  const retire = (over: Partial<Extract<SheetCommand, { type: 'RetireSheet' }>['data']> = {}) =>
    cmd('RetireSheet', { reason: 'not_renewed', explanation: 'Non reconduite en V5', ...over });

  it('records the version the sheet leaves after, and closes it', () => {
    const state = aSheet().when(retire())
      .then([{ type: 'SheetRetired', data: { sheetId: SHEET, version: 'V4', reason: 'not_renewed', explanation: 'Non reconduite en V5', effectiveOn: null, mergedInto: null } }]);
    expect(state.status).toBe('retired');
    expect(state.retired).toEqual({ version: 'V4', reason: 'not_renewed' });
  });

  it('records the current version after a carry-over', () => {
    const carried: SheetEvent = { type: 'SheetCarriedOver', data: { sheetId: SHEET, fromVersion: 'V4', toVersion: 'V5', changes: {}, addedIndicators: [], addedMilestones: [] } };
    expect(aSheet(carried).when(retire()).events()[0]!.data).toMatchObject({ version: 'V5' });
  });

  it.each([...RETIRE_REASONS].filter((r) => r !== 'merged'))('%s is an allowed reason', (reason) => {
    aSheet().when(retire({ reason })).events();
  });

  it('a sheet retired as merged names the sheet it was merged into', () => {
    aSheet().when(retire({ reason: 'merged' })).thenThrows('merged_into_required', 'rule');
    aSheet().when(retire({ reason: 'merged', mergedInto: 'donnees-territoriales' }))
      .then([{ type: 'SheetRetired', data: { sheetId: SHEET, version: 'V4', reason: 'merged', explanation: 'Non reconduite en V5', effectiveOn: null, mergedInto: 'donnees-territoriales' } }]);
  });

  it('the sheet it was merged into is another sheet, named by its id', () => {
    aSheet().when(retire({ reason: 'merged', mergedInto: 'Données territoriales' })).thenThrows('invalid_id', 'invalid');
    aSheet().when(retire({ reason: 'merged', mergedInto: SHEET })).thenThrows('merged_into_self', 'rule');
  });

  it('a reason outside the allowed ones is refused', () => {
    aSheet().when(retire({ reason: 'no_funding' as never })).thenThrows('invalid_reason', 'invalid');
  });

  it('the explanation is not empty', () => {
    aSheet().when(retire({ explanation: '' })).thenThrows('missing_text', 'invalid');
  });

  it('the effective day is optional, and a real day when given', () => {
    expect(aSheet().when(retire({ effectiveOn: '2024-06-26' })).events()[0]!.data).toMatchObject({ effectiveOn: '2024-06-26' });
    aSheet().when(retire({ effectiveOn: '2024-06-31' })).thenThrows('invalid_date', 'invalid');
  });

  it('a completed project leaves the roadmap and stays completed', () => {
    const state = aSheet(completed).when(retire({ reason: 'completed', explanation: 'Projet achevé' })).then([
      { type: 'SheetRetired', data: { sheetId: SHEET, version: 'V4', reason: 'completed', explanation: 'Projet achevé', effectiveOn: null, mergedInto: null } },
    ]);
    expect(state.status).toBe('completed');
    expect(state.retired).toEqual({ version: 'V4', reason: 'completed' });
  });

  it('an abandoned project leaves the roadmap and stays abandoned', () => {
    const state = aSheet(abandoned).when(retire({ reason: 'other', explanation: 'Abandonnée' })).events().reduce(sheetDecider.evolve, aSheet(abandoned).state());
    expect(state.status).toBe('abandoned');
    expect(state.retired).toEqual({ version: 'V4', reason: 'other' });
  });
});

describe('carrying a sheet over to the next version', () => {
  it('keeps the stable sheet id, moves it into the new version and records its number in both', () => {
    const state = aSheet().when(cmd('CarryOverSheet', { toVersion: 'V5', changes: { number: '3.12', enjeu: 'avenir' } }))
      .then([{ type: 'SheetCarriedOver', data: { sheetId: SHEET, fromVersion: 'V4', toVersion: 'V5', changes: { number: '3.12', enjeu: 'avenir' }, addedIndicators: [], addedMilestones: [] } }]);
    expect(state).toMatchObject({ sheetId: SHEET, version: 'V5', status: 'active' });
    expect(state.fields).toEqual({ ...fields, number: '3.12', enjeu: 'avenir' });
    expect(state.versions).toEqual([{ version: 'V4', number: '3.10' }, { version: 'V5', number: '3.12' }]);
  });

  it('without changes the sheet keeps its number', () => {
    const state = aSheet().when(cmd('CarryOverSheet', { toVersion: 'V5' }))
      .then([{ type: 'SheetCarriedOver', data: { sheetId: SHEET, fromVersion: 'V4', toVersion: 'V5', changes: {}, addedIndicators: [], addedMilestones: [] } }]);
    expect(state.versions).toEqual([{ version: 'V4', number: '3.10' }, { version: 'V5', number: '3.10' }]);
  });

  it('keeps the reports and reached milestones, and adds new indicators and milestones', () => {
    const added = { indicatorId: 'reuses', name: 'Réutilisations', unit: 'count' } as IndicatorDefinition;
    const addedMilestone = { milestoneId: 'second-edition', title: 'Deuxième édition' } as MilestoneDefinition;
    const state = aSheet(reported('r1', 5), reached('launch')).when(cmd('CarryOverSheet', { toVersion: 'V5', addedIndicators: [added], addedMilestones: [addedMilestone] }))
      .then([{ type: 'SheetCarriedOver', data: { sheetId: SHEET, fromVersion: 'V4', toVersion: 'V5', changes: {}, addedIndicators: [{ ...added, targets: [] }], addedMilestones: [{ ...addedMilestone, due: null }] } }]);
    expect(state.indicators.get('datasets-published')!.reports.get('r1')).toMatchObject({ value: 5 });
    expect(state.indicators.get('reuses')).toMatchObject({ targets: [], reports: new ReportTable() });
    expect(state.milestones.get('launch')!.reachedOn).toBe('2024-04-15');
    expect(state.milestones.get('second-edition')).toEqual({ milestoneId: 'second-edition', title: 'Deuxième édition', due: null, reachedOn: null });
  });

  it('a sheet is carried into a version once', () => {
    aSheet().when(cmd('CarryOverSheet', { toVersion: 'V4' })).thenThrows('already_in_version', 'conflict');
    const carried: SheetEvent = { type: 'SheetCarriedOver', data: { sheetId: SHEET, fromVersion: 'V4', toVersion: 'V5', changes: {}, addedIndicators: [], addedMilestones: [] } };
    aSheet(carried).when(cmd('CarryOverSheet', { toVersion: 'V5' })).thenThrows('already_in_version', 'conflict');
  });

  it('a sheet is carried over to a later version', () => {
    aSheet().when(cmd('CarryOverSheet', { toVersion: 'V3' })).thenThrows('version_order', 'rule');
  });

  it('the new version is named like V5', () => {
    aSheet().when(cmd('CarryOverSheet', { toVersion: 'next' })).thenThrows('invalid_version', 'invalid');
  });

  it('the changes obey the creation rules', () => {
    aSheet().when(cmd('CarryOverSheet', { toVersion: 'V5', changes: { number: 'five' } })).thenThrows('invalid_number', 'invalid');
    aSheet().when(cmd('CarryOverSheet', { toVersion: 'V5', changes: { pilots: [] } })).thenThrows('pilot_required', 'rule');
    aSheet().when(cmd('CarryOverSheet', { toVersion: 'V5', changes: { owner: 'x' } as never })).thenThrows('unknown_field', 'invalid');
  });

  it('changes given as undefined leave the fields as they were', () => {
    const state = aSheet().when(cmd('CarryOverSheet', { toVersion: 'V5', changes: { number: '3.12', title: undefined } as Partial<SheetFields> }))
      .then([{ type: 'SheetCarriedOver', data: { sheetId: SHEET, fromVersion: 'V4', toVersion: 'V5', changes: { number: '3.12' }, addedIndicators: [], addedMilestones: [] } }]);
    expect(state.fields.title).toBe(fields.title);
  });

  it('added indicators and milestones obey the creation rules and do not reuse an id', () => {
    aSheet().when(cmd('CarryOverSheet', { toVersion: 'V5', addedIndicators: [{ ...indicators[1]! }] })).thenThrows('duplicate_indicator', 'conflict');
    aSheet().when(cmd('CarryOverSheet', { toVersion: 'V5', addedMilestones: [{ ...milestones[0]! }] })).thenThrows('duplicate_milestone', 'conflict');
    aSheet().when(cmd('CarryOverSheet', { toVersion: 'V5', addedIndicators: [{ indicatorId: 'x', name: 'X', unit: 'kg' as never, targets: [] }] })).thenThrows('invalid_unit', 'invalid');
    aSheet().when(cmd('CarryOverSheet', { toVersion: 'V5', addedMilestones: [{ milestoneId: 'x', title: 'X', due: '2025-S9' }] })).thenThrows('invalid_period', 'invalid');
  });

  it('a revision after a carry-over renumbers the sheet in the new version only', () => {
    const carried: SheetEvent = { type: 'SheetCarriedOver', data: { sheetId: SHEET, fromVersion: 'V4', toVersion: 'V5', changes: { number: '3.12' }, addedIndicators: [], addedMilestones: [] } };
    const state = aSheet(carried).when(cmd('ReviseSheet', { changes: { number: '3.13' } }))
      .then([{ type: 'SheetRevised', data: { sheetId: SHEET, changes: { number: '3.13' }, reason: null } }]);
    expect(state.versions).toEqual([{ version: 'V4', number: '3.10' }, { version: 'V5', number: '3.13' }]);
  });
});

describe('a historic sheet, known only from a later assessment', () => {
  const historic = (over: Partial<CreateData> = {}) => createSheet({ version: 'V3', kind: null, enjeu: null, pilots: [], historic: true, ...over });

  it('may leave its kind, enjeu and pilots unknown, and is marked historic', () => {
    const state = given(sheetDecider).when(historic())
      .then([sheetCreated({ version: 'V3', kind: null, enjeu: null, pilots: [], historic: true })]);
    expect(state.fields).toMatchObject({ kind: null, enjeu: null, pilots: [] });
  });

  it('still names known values correctly', () => {
    given(sheetDecider).when(historic({ kind: 'plan' as never })).thenThrows('invalid_kind', 'invalid');
    given(sheetDecider).when(historic({ pilots: ['Région'] })).thenThrows('invalid_id', 'invalid');
  });

  it('a sheet that is not historic cannot leave them unknown', () => {
    given(sheetDecider).when(createSheet({ kind: null })).thenThrows('invalid_kind', 'invalid');
    given(sheetDecider).when(createSheet({ enjeu: null })).thenThrows('invalid_enjeu', 'invalid');
    given(sheetDecider).when(createSheet({ pilots: [], historic: false })).thenThrows('pilot_required', 'rule');
  });

  it('a revision cannot make a kind unknown', () => {
    aSheet().when(cmd('ReviseSheet', { changes: { kind: null } })).thenThrows('invalid_kind', 'invalid');
  });
});

describe('text limits, checked whatever the way in (HTTP, seed, import)', () => {
  const longer = (field: keyof typeof TEXT_LIMITS) => 'x'.repeat(TEXT_LIMITS[field] + 1);
  const tooLong = (outcome: { thenThrows: (code: string, kind: 'invalid') => DomainError }, field: string) =>
    expect(outcome.thenThrows('text_too_long', 'invalid').details).toMatchObject({ field });

  it('on the fields of a sheet', () => {
    for (const field of ['objective', 'theme', 'context', 'objectives'] as const) tooLong(given(sheetDecider).when(createSheet({ [field]: longer(field) })), field);
    tooLong(given(sheetDecider).when(createSheet({ title: longer('sheetTitle') })), 'title');
    tooLong(aSheet().when(cmd('ReviseSheet', { changes: { objective: longer('objective') } })), 'objective');
    tooLong(aSheet().when(cmd('ReviseSheet', { changes: { title: 'Nouveau titre' }, reason: longer('reason') })), 'reason');
    // At the limit is accepted.
    expect(given(sheetDecider).when(createSheet({ theme: 'x'.repeat(TEXT_LIMITS.theme) })).events()).toHaveLength(1);
  });

  it('on indicators, targets and milestones', () => {
    tooLong(given(sheetDecider).when(createSheet({ indicators: [{ ...indicators[0]!, name: longer('indicatorName') }] })), 'indicators[0].name');
    tooLong(given(sheetDecider).when(createSheet({ indicators: [{ ...indicators[0]!, targets: [target(1, '2025-12-31', longer('targetLabel'))] }] })), 'indicators[0].targets[0].label');
    tooLong(aSheet().when(cmd('SetIndicatorTarget', { indicatorId: 'datasets-published', target: target(1, '2026-12-31', longer('targetLabel')) })), 'target.label');
    tooLong(given(sheetDecider).when(createSheet({ milestones: [{ ...milestones[0]!, title: longer('milestoneTitle') }] })), 'milestones[0].title');
    tooLong(aSheet().when(cmd('ReachMilestone', { milestoneId: 'launch', reachedOn: '2024-04-01', evidence: longer('evidence') })), 'evidence');
    tooLong(aSheet().when(cmd('RescheduleMilestone', { milestoneId: 'launch', due: '2025-S1', reason: longer('reason') })), 'reason');
  });

  it('on reports, corrections and closures', () => {
    const report = { indicatorId: 'datasets-published', reportId: 'r9', value: 1, observedOn: '2024-03-31' };
    tooLong(aSheet().when(cmd('ReportIndicator', { ...report, source: longer('reportSource') })), 'source');
    tooLong(aSheet().when(cmd('ReportIndicator', { ...report, comment: longer('reportComment') })), 'comment');
    tooLong(aSheet(reported('r1', 5)).when(cmd('CorrectIndicatorReport', { indicatorId: 'datasets-published', reportId: 'r1', value: 6, reason: longer('reason') })), 'reason');
    tooLong(aSheet().when(cmd('CompleteProject', { completedOn: '2024-05-31', summary: longer('summary') })), 'summary');
    tooLong(aSheet().when(cmd('AbandonProject', { reason: 'no_funding', explanation: longer('explanation'), effectiveOn: '2024-05-31' })), 'explanation');
    tooLong(aSheet().when(cmd('RetireSheet', { reason: 'not_renewed', explanation: longer('explanation') })), 'explanation');
  });

  it('ids longer than the id limit are not slugs', () => {
    given(sheetDecider).when(createSheet({ sheetId: 'a'.repeat(TEXT_LIMITS.id + 1) })).thenThrows('invalid_id', 'invalid');
  });
});

describe('targets are kept sorted by day', () => {
  const late = target(100, '2026-12-31');
  const early = target(40, '2024-12-31');
  const outOfOrder: IndicatorDefinition = { indicatorId: 'coverage', name: 'Couverture', unit: 'percent', targets: [late, early] };

  it('in the events that define an indicator, and in the state', () => {
    const [event] = given(sheetDecider).when(createSheet({ indicators: [outOfOrder] })).events() as SheetCreated[];
    expect(event!.data.indicators[0]!.targets).toEqual([early, late]);
    const [added] = aSheet().when(cmd('AddIndicator', { indicator: outOfOrder })).events();
    expect((added as Extract<SheetEvent, { type: 'IndicatorAdded' }>).data.indicator.targets).toEqual([early, late]);
    const [carried] = aSheet().when(cmd('CarryOverSheet', { toVersion: 'V5', addedIndicators: [outOfOrder] })).events();
    expect((carried as Extract<SheetEvent, { type: 'SheetCarriedOver' }>).data.addedIndicators[0]!.targets).toEqual([early, late]);
  });

  it('when an event stored before the sorting gives them out of order', () => {
    const state = given(sheetDecider, [sheetCreated({ indicators: [outOfOrder] })]).state();
    expect(state.indicators.get('coverage')!.targets).toEqual([early, late]);
  });

  it('a target set for a day replaces that day\'s and takes its place in the order', () => {
    const state = given(sheetDecider, [sheetCreated({ indicators: [{ ...outOfOrder, targets: [early, late] }] }), {
      type: 'IndicatorTargetSet', data: { sheetId: SHEET, indicatorId: 'coverage', target: target(60, '2025-12-31') },
    }, { type: 'IndicatorTargetSet', data: { sheetId: SHEET, indicatorId: 'coverage', target: target(45, '2024-12-31') } }]).state();
    expect(state.indicators.get('coverage')!.targets.map((t) => [t.value, t.due])).toEqual([[45, '2024-12-31'], [60, '2025-12-31'], [100, '2026-12-31']]);
  });
});

describe('versions are ordered by number', () => {
  it('a sheet of V9 is carried over to V10 (after it, though "V10" < "V9" as text)', () => {
    const inV9 = given(sheetDecider, [sheetCreated({ version: 'V9' })]);
    expect(inV9.when(cmd('CarryOverSheet', { toVersion: 'V10' })).events()).toHaveLength(1);
    given(sheetDecider, [sheetCreated({ version: 'V10' })]).when(cmd('CarryOverSheet', { toVersion: 'V9' })).thenThrows('version_order', 'rule');
  });
});

describe('values as printed (schema version 2)', () => {
  const report = (over: Partial<Extract<SheetCommand, { type: 'ReportIndicator' }>['data']>) =>
    cmd('ReportIndicator', { indicatorId: 'communes-covered', reportId: 'r1', value: 44, ...over });

  it('a report keeps its date as printed and its qualifier; observedOn is the last day of the date', () => {
    aSheet().when(report({ observed: '2023-Q1', qualifier: 'about', territory: '24' })).then([{
      type: 'IndicatorReported',
      data: { sheetId: SHEET, indicatorId: 'communes-covered', reportId: 'r1', value: 44, qualifier: 'about', observed: '2023-Q1', observedOn: '2023-03-31', territory: '24', zone: null, source: null, comment: null },
    }]);
  });

  it('a report "en 2024" may be recorded during 2024: the start of the interval is compared with today', () => {
    expect(aSheet().when(report({ observed: '2024' })).events()[0]!.data).toMatchObject({ observed: '2024', observedOn: '2024-12-31' });
    aSheet().when(report({ observed: '2024-late' })).thenThrows('date_in_future', 'rule');
    aSheet().when(report({ observed: '2024/..' })).thenThrows('open_date', 'invalid');
    aSheet().when(report({ observed: 'en 2023' })).thenThrows('invalid_dated', 'invalid');
    aSheet().when(report({ observed: '2023-Q1', observedOn: '2023-03-30' })).thenThrows('invalid_date', 'invalid');
  });

  it('qualifier and zone are checked with the value objects; the AMEL zone is the Eure-et-Loir\'s only', () => {
    aSheet().when(report({ observed: '2023', qualifier: 'roughly' as never })).thenThrows('invalid_qualifier', 'invalid');
    aSheet().when(report({ observed: '2023', territory: '45', zone: 'amel' })).thenThrows('invalid_zone', 'invalid');
    expect(aSheet().when(report({ observed: '2023', territory: '28', zone: 'amel' })).events()[0]!.data).toMatchObject({ territory: '28', zone: 'amel' });
  });

  it('a correction may change the qualifier alone; absent, it is unchanged', () => {
    const about: SheetEvent = { type: 'IndicatorReported', data: { sheetId: SHEET, indicatorId: 'communes-covered', reportId: 'r1', value: 80, qualifier: 'more_than', observed: '2022-12-31', observedOn: '2022-12-31', territory: '24', zone: null, source: null, comment: null } };
    const state = aSheet(about).when(cmd('CorrectIndicatorReport', { indicatorId: 'communes-covered', reportId: 'r1', value: 80, observed: '2022-Q4', qualifier: 'slightly_more_than', reason: 'Annexe 3 : « un peu plus de 80 % »' }))
      .then([{ type: 'IndicatorReportCorrected', data: { sheetId: SHEET, indicatorId: 'communes-covered', reportId: 'r1', value: 80, observed: '2022-Q4', observedOn: '2022-12-31', qualifier: 'slightly_more_than', reason: 'Annexe 3 : « un peu plus de 80 % »' } }]);
    expect(state.indicators.get('communes-covered')!.reports.get('r1')).toMatchObject({ qualifier: 'slightly_more_than', observed: '2022-Q4' });
    expect(aSheet(about).when(cmd('CorrectIndicatorReport', { indicatorId: 'communes-covered', reportId: 'r1', value: 81, reason: 'x' })).events()[0]!.data).not.toHaveProperty('qualifier');
  });

  it('a target may have no date, a scope and a horizon; (scope, due, label) is its identity', () => {
    const fibre = { indicatorId: 'prises', name: 'Prises', unit: 'count' as const, targets: [
      { value: 100, due: '2025', territory: '18', zone: 'privee' as const },
      { value: 100, due: '2025', territory: '28', zone: 'privee' as const },
      { value: 137, due: null, label: 'cible sans échéance précisée' },
      { value: 2000, due: '2026-06', horizon: 'à 3 ans', qualifier: 'more_than' as const },
    ] };
    const [added] = aSheet().when(cmd('AddIndicator', { indicator: fibre })).events() as Extract<SheetEvent, { type: 'IndicatorAdded' }>[];
    expect(added!.data.indicator.targets).toEqual([
      { value: 100, qualifier: 'exact', due: '2025', horizon: null, territory: '18', zone: 'privee', label: null },
      { value: 100, qualifier: 'exact', due: '2025', horizon: null, territory: '28', zone: 'privee', label: null },
      { value: 2000, qualifier: 'more_than', due: '2026-06', horizon: 'à 3 ans', territory: null, zone: null, label: null },
      { value: 137, qualifier: 'exact', due: null, horizon: null, territory: null, zone: null, label: 'cible sans échéance précisée' },
    ]);
    aSheet().when(cmd('AddIndicator', { indicator: { ...fibre, targets: [fibre.targets[0]!, fibre.targets[0]!] } })).thenThrows('duplicate_target', 'conflict');
    aSheet().when(cmd('AddIndicator', { indicator: { ...fibre, targets: [{ value: 1, due: '2025', territory: '41', zone: 'amel' }] } })).thenThrows('invalid_zone', 'invalid');
    aSheet().when(cmd('AddIndicator', { indicator: { ...fibre, targets: [{ value: 1, due: 'fin 2025' }] } })).thenThrows('invalid_dated', 'invalid');
  });

  it('setting a target that is already there is refused; another value revises it', () => {
    const withTarget = aSheet();
    withTarget.when(cmd('SetIndicatorTarget', { indicatorId: 'datasets-published', target: { value: 40, by: '2025-12-31' } })).thenThrows('target_exists', 'conflict');
    withTarget.when(cmd('SetIndicatorTarget', { indicatorId: 'datasets-published', target: { value: 40, due: '2025-12-31', territory: '37' } })).events();
  });

  it('a milestone reached "en 2023", stated on 26 June 2023, was reached by then', () => {
    aSheet().when(cmd('ReachMilestone', { milestoneId: 'launch', reached: '2023', statedOn: '2023-06-26' })).then([{
      type: 'MilestoneReached', data: { sheetId: SHEET, milestoneId: 'launch', reached: '2023', statedOn: '2023-06-26', reachedOn: '2023-06-26', evidence: null },
    }]);
    // Without a statement day, the day it is recorded bounds it.
    expect(aSheet().when(cmd('ReachMilestone', { milestoneId: 'launch', reached: '2024' })).events()[0]!.data).toMatchObject({ reached: '2024', reachedOn: TODAY });
    expect(aSheet().when(cmd('ReachMilestone', { milestoneId: 'launch', reached: '2021-03' })).events()[0]!.data).toMatchObject({ reachedOn: '2021-03-31' });
    aSheet().when(cmd('ReachMilestone', { milestoneId: 'launch', reached: '2024', statedOn: '2023-06-26' })).thenThrows('dated_after_statement', 'invalid');
    aSheet().when(cmd('ReachMilestone', { milestoneId: 'launch', reached: '2025' })).thenThrows('date_in_future', 'rule');
  });

  it('milestones are due on any dated label, and may be uncertain', () => {
    const [added] = aSheet().when(cmd('AddMilestone', { milestone: { milestoneId: 'crsn', title: 'CRSN', due: '2023-late', uncertain: true } })).events();
    expect(added!.data).toMatchObject({ milestone: { due: '2023-late', uncertain: true } });
    expect(aSheet().when(cmd('RescheduleMilestone', { milestoneId: 'launch', due: '2024/..', uncertain: true })).events()[0]!.data).toMatchObject({ due: '2024/..', uncertain: true });
  });

  it('a milestone "à 3 ans" keeps its relative horizon and is given no day', () => {
    // Given an open sheet, when a milestone "Objectifs à 3 ans" is added, then it has the horizon and no due date.
    const horizon = { duration: 'P3Y', from: '2023-06-26', printed: 'à 3 ans' };
    const [added] = aSheet().when(cmd('AddMilestone', { milestone: { milestoneId: 'france-entiere', title: 'Extension France entière', due: null, horizon } })).events();
    expect(added!.data).toEqual({ sheetId: SHEET, milestone: { milestoneId: 'france-entiere', title: 'Extension France entière', due: null, horizon } });
    // A day beside the horizon would be invented; a horizon must say what it counts from, and how long.
    aSheet().when(cmd('AddMilestone', { milestone: { milestoneId: 'x', title: 'X', due: '2026-06-30', horizon } })).thenThrows('due_with_horizon', 'invalid');
    aSheet().when(cmd('AddMilestone', { milestone: { milestoneId: 'x', title: 'X', due: null, horizon: { ...horizon, duration: '3 ans' } } })).thenThrows('invalid_horizon', 'invalid');
    aSheet().when(cmd('AddMilestone', { milestone: { milestoneId: 'x', title: 'X', due: null, horizon: { ...horizon, from: 'V4' } } })).thenThrows('invalid_horizon', 'invalid');
  });

  it('a milestone is due "après 2023" as the document says, not "à partir de 2024"', () => {
    const [added] = aSheet().when(cmd('AddMilestone', { milestone: { milestoneId: 'apres-2023', title: 'Après 2023', due: '>2023/..' } })).events();
    expect(added!.data).toMatchObject({ milestone: { due: '>2023/..' } });
  });
});

describe('a V3 sheet known only from the V4 assessment (historic)', () => {
  const unknown = { number: null, kind: null, enjeu: null, pilots: [] as string[], partners: [] as string[] };
  const historic = sheetCreated({ version: 'V3', ...unknown, objective: null, theme: null, indicators: [], milestones: [], historic: true });
  const aHistoricSheet = (...more: SheetEvent[]) => given(sheetDecider, [historic, ...more]);

  it('is created with the number, kind and enjeu the sources do not give left null', () => {
    const state = given(sheetDecider, []).when(createSheet({ version: 'V3', ...unknown, indicators: [], milestones: [], historic: true })).events();
    expect(state[0]!.data).toMatchObject({ version: 'V3', number: null, kind: null, enjeu: null, historic: true });
  });

  it('a sheet of the current roadmap needs a number', () => {
    given(sheetDecider, []).when(createSheet({ number: null })).thenThrows('invalid_number', 'invalid');
  });

  it('a number written as "0" before numbers could be unknown is revised back to null', () => {
    given(sheetDecider, [sheetCreated({ ...historic.data, number: '0' })]).when(cmd('ReviseSheet', { changes: { number: null }, reason: 'Annexe 3 ne numérote pas les fiches V3' }))
      .then([{ type: 'SheetRevised', data: { sheetId: SHEET, changes: { number: null }, reason: 'Annexe 3 ne numérote pas les fiches V3' } }]);
    aSheet().when(cmd('ReviseSheet', { changes: { number: null } })).thenThrows('invalid_number', 'invalid');
  });

  it('a V3 number written as "0" is corrected in the V3 record, even once the sheet is retired or carried over', () => {
    const zero = sheetCreated({ ...historic.data, number: '0' });
    const reason = 'Annexe 3 ne numérote pas les fiches V3';
    const corrected = { type: 'SheetVersionRecordCorrected', data: { sheetId: SHEET, version: 'V3', number: null, reason } } as const;
    const retired: SheetEvent = { type: 'SheetRetired', data: { sheetId: SHEET, version: 'V3', reason: 'unstated', explanation: 'Non repris', effectiveOn: null, mergedInto: null } };
    // Given a retired historic sheet numbered "0", when its V3 record is corrected, then its number there is unknown.
    const state = given(sheetDecider, [zero, retired]).when(cmd('CorrectVersionRecord', { version: 'V3', number: null, reason })).then([corrected]);
    expect([state.versions, state.fields.number]).toEqual([[{ version: 'V3', number: null }], null]);
    // Carried over since: the V3 record is corrected, the V4 number stays.
    const carried: SheetEvent = { type: 'SheetCarriedOver', data: { sheetId: SHEET, fromVersion: 'V3', toVersion: 'V4', changes: { number: '3.9', kind: 'projet', enjeu: 'performance' }, addedIndicators: [], addedMilestones: [] } };
    const moved = given(sheetDecider, [zero, carried]).when(cmd('CorrectVersionRecord', { version: 'V3', number: null, reason })).then([corrected]);
    expect([moved.versions, moved.fields.number]).toEqual([[{ version: 'V3', number: null }, { version: 'V4', number: '3.9' }], '3.9']);
    // Once, for a historic record only, with a reason.
    given(sheetDecider, [zero, corrected]).when(cmd('CorrectVersionRecord', { version: 'V3', number: null, reason })).thenThrows('record_already_correct', 'conflict');
    given(sheetDecider, [zero, carried]).when(cmd('CorrectVersionRecord', { version: 'V4', number: null, reason })).thenThrows('not_historic_record', 'rule');
    aSheet().when(cmd('CorrectVersionRecord', { version: 'V4', number: null, reason })).thenThrows('not_historic_record', 'rule');
    given(sheetDecider, [zero]).when(cmd('CorrectVersionRecord', { version: 'V2', number: null, reason })).thenThrows('version_not_found', 'not_found');
    given(sheetDecider, [zero]).when(cmd('CorrectVersionRecord', { version: 'V3', number: null, reason: '' })).thenThrows('missing_text', 'invalid');
  });

  it('carried over with what it becomes and why it continued, in the sources\' words', () => {
    const reason = 'Le challenge open data s\'est vu renforcé dans le cadre du Plan de relance';
    const state = aHistoricSheet().when(cmd('CarryOverSheet', { toVersion: 'V4', changes: { number: '3.10', kind: 'projet', enjeu: 'performance', pilots: ['region-centre-val-de-loire'] }, reason }))
      .then([{
        type: 'SheetCarriedOver',
        data: { sheetId: SHEET, fromVersion: 'V3', toVersion: 'V4', changes: { number: '3.10', kind: 'projet', enjeu: 'performance', pilots: ['region-centre-val-de-loire'] }, addedIndicators: [], addedMilestones: [], reason },
      }]);
    expect(state.versions).toEqual([{ version: 'V3', number: null }, { version: 'V4', number: '3.10' }]);
  });

  it('an unknown of the historic version does not carry into the next one', () => {
    aHistoricSheet().when(cmd('CarryOverSheet', { toVersion: 'V4', changes: { kind: 'projet', enjeu: 'performance' } })).thenThrows('invalid_number', 'invalid');
    aHistoricSheet().when(cmd('CarryOverSheet', { toVersion: 'V4', changes: { number: '3.10', enjeu: 'performance' } })).thenThrows('invalid_kind', 'invalid');
  });

  it.each(['completed_or_not_renewed', 'unstated'] as const)('is retired as %s when the sources say no more', (reason) => {
    const state = aHistoricSheet().when(cmd('RetireSheet', { reason, explanation: 'Non repris dans la quatrième version' }))
      .then([{ type: 'SheetRetired', data: { sheetId: SHEET, version: 'V3', reason, explanation: 'Non repris dans la quatrième version', effectiveOn: null, mergedInto: null } }]);
    expect(state.retired).toEqual({ version: 'V3', reason });
    expect(RETIRE_REASONS).toContain(reason);
  });
});

describe('a state read back from a snapshot', () => {
  const withReports = () => aSheet(
    reported('r1', 5), reported('r2', 7, '2024-04-30'), reported('r3', 7, '2024-04-30', 'budget-spent'),
    { type: 'IndicatorReportCorrected', data: { sheetId: SHEET, indicatorId: 'datasets-published', reportId: 'r1', value: 6, observed: '2024-Q1', observedOn: '2024-03-31', qualifier: 'about', reason: 'Erreur de saisie' } },
  );

  it('is restored to the state folded from the events', () => {
    const folded = withReports().state();
    const restored = restoreSheet(deserialize(serialize(folded)));
    expect(restored).toEqual(folded);
    expect(new Map(restored.indicators.get('datasets-published')!.reports)).toEqual(new Map([
      ['r1', { value: 6, qualifier: 'about', observed: '2024-Q1', observedOn: '2024-03-31', territory: '24' }],
      ['r2', { value: 7, qualifier: 'exact', observed: '2024-04-30', observedOn: '2024-04-30', territory: '24' }],
    ]));
  });

  it('decides as the folded state does', () => {
    const restored = restoreSheet(deserialize(serialize(withReports().state())));
    const correct = cmd('CorrectIndicatorReport', { indicatorId: 'datasets-published', reportId: 'r1', value: 6, qualifier: 'about', reason: 'Erreur de saisie' });
    const codeOf = (decide: () => unknown) => { try { decide(); return null; } catch (e) { return (e as DomainError).code; } };
    expect(codeOf(() => sheetDecider.decide(correct, restored))).toBe('correction_changes_nothing');
    expect(codeOf(() => sheetDecider.decide(cmd('ReportIndicator', { indicatorId: 'budget-spent', reportId: 'r3', value: 1, observedOn: '2024-05-31' }), restored))).toBe('report_exists');
    expect(sheetDecider.decide(cmd('CorrectIndicatorReport', { indicatorId: 'datasets-published', reportId: 'r2', value: 8, reason: 'Erreur de saisie' }), restored))
      .toEqual([{ type: 'IndicatorReportCorrected', data: { sheetId: SHEET, indicatorId: 'datasets-published', reportId: 'r2', value: 8, observed: '2024-04-30', observedOn: '2024-04-30', reason: 'Erreur de saisie' } }]);
  });

  it('is what the decider restores snapshots with', () => {
    expect(sheetDecider.restore).toBe(restoreSheet);
  });
});
