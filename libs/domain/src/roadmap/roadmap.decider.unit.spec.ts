import { describe, expect, it } from '@jest/globals';
import { given } from '../../../../tests/support/decider-scenario.js';
import { TEXT_LIMITS } from '../shared/text-limits.js';
import type { RoadmapCommand } from './roadmap.commands.js';
import { latestAdopted, roadmapDecider } from './roadmap.decider.js';
import type { Enjeu, RoadmapEvent } from './roadmap.events.js';

const TODAY = '2024-06-30';
const ROADMAP = 'scoran-centre-val-de-loire';
const enjeux: Enjeu[] = [
  { enjeuId: 'transversal', number: 1, title: 'Transversal' },
  { enjeuId: 'inclusion', number: 2, title: 'Inclusion numérique' },
  { enjeuId: 'performance', number: 3, title: 'Performance des services publics' },
  { enjeuId: 'avenir', number: 4, title: 'Préparer l’avenir' },
];
const createData = { roadmapId: ROADMAP, title: 'SCORAN Centre-Val de Loire', region: { code: '24', name: 'Centre-Val de Loire' }, enjeux };

const cmd = <T extends RoadmapCommand['type']>(type: T, data: Extract<RoadmapCommand, { type: T }>['data']) => ({ type, data, metadata: { now: new Date(TODAY) } }) as RoadmapCommand;
const created: RoadmapEvent = { type: 'RoadmapCreated', data: createData };
const drafted = (version: string, basedOn: string | null, draftedOn = '2019-01-15'): RoadmapEvent =>
  ({ type: 'RoadmapVersionDrafted', data: { roadmapId: ROADMAP, version, basedOn, draftedOn } });
const adopted = (version: string, adoptedOn: string): RoadmapEvent =>
  ({ type: 'RoadmapVersionAdopted', data: { roadmapId: ROADMAP, version, adoptedOn, adoptedBy: null, facts: null } });

/** V3 adopted in March 2019, V4 adopted on 26 June 2023. */
const history = [created, drafted('V3', null), adopted('V3', '2019-03'), drafted('V4', 'V3', '2023-01-10'), adopted('V4', '2023-06-26')];
const aRoadmap = (...more: RoadmapEvent[]) => given(roadmapDecider, [...history, ...more]);

describe('creating a roadmap', () => {
  it('records its title, region and enjeux, with no version yet', () => {
    const state = given(roadmapDecider).when(cmd('CreateRoadmap', createData)).then([created]);
    expect(state).toEqual({ exists: true, ...createData, versions: new Map() });
  });

  it('a roadmap is created once', () => {
    given(roadmapDecider, [created]).when(cmd('CreateRoadmap', createData)).thenThrows('roadmap_exists', 'conflict');
  });

  it('the roadmap id is a kebab-case slug', () => {
    given(roadmapDecider).when(cmd('CreateRoadmap', { ...createData, roadmapId: 'SCORAN CVL' })).thenThrows('invalid_id', 'invalid');
  });

  it('enjeux are among the four of the SCORAN', () => {
    given(roadmapDecider).when(cmd('CreateRoadmap', { ...createData, enjeux: [...enjeux, { enjeuId: 'securite' as never, number: 5, title: 'Sécurité' }] }))
      .thenThrows('invalid_enjeu', 'invalid');
  });

  it.each([
    ['DraftVersion', cmd('DraftVersion', { version: 'V1', basedOn: null })],
    ['AdoptVersion', cmd('AdoptVersion', { version: 'V1', adoptedOn: '2010' })],
  ] as const)('%s on a roadmap that does not exist is refused with roadmap_not_found', (_type, command) => {
    given(roadmapDecider).when(command).thenThrows('roadmap_not_found', 'not_found');
  });
});

describe('drafting a version', () => {
  it('the first version is drafted from nothing, on today unless told', () => {
    const state = given(roadmapDecider, [created]).when(cmd('DraftVersion', { version: 'V3', basedOn: null }))
      .then([{ type: 'RoadmapVersionDrafted', data: { roadmapId: ROADMAP, version: 'V3', basedOn: null, draftedOn: TODAY } }]);
    expect(state.versions.get('V3')).toEqual({ version: 'V3', status: 'draft', basedOn: null, draftedOn: TODAY, adoptedOn: null, adoptedBy: null, facts: null });
  });

  it('a later version is drafted from the latest adopted one', () => {
    const state = aRoadmap().when(cmd('DraftVersion', { version: 'V5', basedOn: 'V4', draftedOn: '2024-05-02' }))
      .then([{ type: 'RoadmapVersionDrafted', data: { roadmapId: ROADMAP, version: 'V5', basedOn: 'V4', draftedOn: '2024-05-02' } }]);
    expect(state.versions.get('V5')).toMatchObject({ status: 'draft', basedOn: 'V4' });
    expect(state.versions.get('V4')).toMatchObject({ status: 'adopted', adoptedOn: '2023-06-26' });
  });

  it('once a version exists, a new one names its base', () => {
    aRoadmap().when(cmd('DraftVersion', { version: 'V5', basedOn: null })).thenThrows('base_version_required', 'rule');
  });

  it('the base must be the latest adopted version, not an older one', () => {
    aRoadmap().when(cmd('DraftVersion', { version: 'V5', basedOn: 'V3' })).thenThrows('not_latest_version', 'rule');
  });

  it('the base must exist', () => {
    aRoadmap().when(cmd('DraftVersion', { version: 'V5', basedOn: 'V2' })).thenThrows('version_not_found', 'not_found');
  });

  it('one draft at a time: the draft is adopted before another is drafted', () => {
    const error = aRoadmap(drafted('V5', 'V4')).when(cmd('DraftVersion', { version: 'V6', basedOn: 'V4' })).thenThrows('draft_in_progress', 'rule');
    expect(error.details).toEqual({ version: 'V5' });
  });

  it('a version is drafted once', () => {
    aRoadmap().when(cmd('DraftVersion', { version: 'V4', basedOn: 'V4' })).thenThrows('version_exists', 'conflict');
  });

  it('a new version comes after the latest adopted one', () => {
    aRoadmap().when(cmd('DraftVersion', { version: 'V2', basedOn: 'V4' })).thenThrows('version_order', 'rule');
  });

  it('versions are ordered by number: V10 comes after V9', () => {
    const nine = [created, drafted('V9', null), adopted('V9', '2030')];
    given(roadmapDecider, nine).when(cmd('DraftVersion', { version: 'V10', basedOn: 'V9', draftedOn: '2031-01-01' })).events();
  });

  it.each(['5', 'v5', 'V5.1', 'V', 'V1000'])('a version is named like V5 (not %j)', (version) => {
    aRoadmap().when(cmd('DraftVersion', { version, basedOn: 'V4' })).thenThrows('invalid_version', 'invalid');
  });

  it('the drafting day is a real calendar day', () => {
    aRoadmap().when(cmd('DraftVersion', { version: 'V5', basedOn: 'V4', draftedOn: '2024-02-30' })).thenThrows('invalid_date', 'invalid');
  });
});

describe('adopting a version', () => {
  it('records the adoption day, who adopted it and the facts', () => {
    const state = aRoadmap(drafted('V5', 'V4', '2024-01-08'))
      .when(cmd('AdoptVersion', { version: 'V5', adoptedOn: '2024-06-24', adoptedBy: 'CRSN', facts: 'Séance plénière' }))
      .then([{ type: 'RoadmapVersionAdopted', data: { roadmapId: ROADMAP, version: 'V5', adoptedOn: '2024-06-24', adoptedBy: 'CRSN', facts: 'Séance plénière' } }]);
    expect(state.versions.get('V5')).toEqual({ version: 'V5', status: 'adopted', basedOn: 'V4', draftedOn: '2024-01-08', adoptedOn: '2024-06-24', adoptedBy: 'CRSN', facts: 'Séance plénière' });
    expect(latestAdopted(state)?.version).toBe('V5');
  });

  it('absent adoptedBy and facts are null', () => {
    expect(aRoadmap(drafted('V5', 'V4')).when(cmd('AdoptVersion', { version: 'V5', adoptedOn: '2024-06' })).events()[0]!.data)
      .toMatchObject({ adoptedBy: null, facts: null });
  });

  it('an adoption date may be as imprecise as the sources: a year, a month', () => {
    given(roadmapDecider, [created, drafted('V1', null)]).when(cmd('AdoptVersion', { version: 'V1', adoptedOn: '2010' })).events();
    given(roadmapDecider, [created, drafted('V1', null)]).when(cmd('AdoptVersion', { version: 'V1', adoptedOn: '2019-03' })).events();
  });

  it('the adoption date is a period label', () => {
    aRoadmap(drafted('V5', 'V4')).when(cmd('AdoptVersion', { version: 'V5', adoptedOn: 'June 2024' })).thenThrows('invalid_period', 'invalid');
  });

  it('only a version that exists can be adopted', () => {
    aRoadmap().when(cmd('AdoptVersion', { version: 'V7', adoptedOn: '2024-06-24' })).thenThrows('version_not_found', 'not_found');
  });

  it('a version is adopted once', () => {
    aRoadmap().when(cmd('AdoptVersion', { version: 'V4', adoptedOn: '2023-06-26' })).thenThrows('version_already_adopted', 'conflict');
  });

  it('a version is not adopted after today', () => {
    aRoadmap(drafted('V5', 'V4')).when(cmd('AdoptVersion', { version: 'V5', adoptedOn: '2024-07-01' })).thenThrows('date_in_future', 'rule');
    aRoadmap(drafted('V5', 'V4')).when(cmd('AdoptVersion', { version: 'V5', adoptedOn: '2025' })).thenThrows('date_in_future', 'rule');
  });

  it('a period that began by today is accepted', () => {
    aRoadmap(drafted('V5', 'V4')).when(cmd('AdoptVersion', { version: 'V5', adoptedOn: '2024' })).events();
  });

  it('a version is not adopted before the version it is based on', () => {
    aRoadmap(drafted('V5', 'V4')).when(cmd('AdoptVersion', { version: 'V5', adoptedOn: '2023-06-25' })).thenThrows('version_order', 'rule');
    aRoadmap(drafted('V5', 'V4')).when(cmd('AdoptVersion', { version: 'V5', adoptedOn: '2022' })).thenThrows('version_order', 'rule');
  });

  it('an imprecise adoption date overlapping the base adoption is accepted', () => {
    aRoadmap(drafted('V5', 'V4')).when(cmd('AdoptVersion', { version: 'V5', adoptedOn: '2023' })).events();
    aRoadmap(drafted('V5', 'V4')).when(cmd('AdoptVersion', { version: 'V5', adoptedOn: '2023-06-26' })).events();
  });

  it('once adopted, the next version can be drafted from it', () => {
    aRoadmap(drafted('V5', 'V4'), adopted('V5', '2024-06-24')).when(cmd('DraftVersion', { version: 'V6', basedOn: 'V5' })).events();
  });
});

describe('withdrawing an adoption the sources do not report', () => {
  // A log written before versions could be superseded: V1 and V2 recorded as adopted.
  const oldLog = [created, drafted('V1', null, '2010'), adopted('V1', '2010'), drafted('V2', 'V1', '2014'), adopted('V2', '2014'), drafted('V3', 'V2', '2019-01-15')];
  const reason = 'Une première version a été rédigée en 2010';

  it('makes the version a draft superseded by the next one, with no adoption day or body', () => {
    const state = given(roadmapDecider, oldLog).when(cmd('WithdrawAdoption', { version: 'V1', by: 'V2', reason }))
      .then([{ type: 'RoadmapVersionAdoptionWithdrawn', data: { roadmapId: ROADMAP, version: 'V1', by: 'V2', reason } }]);
    expect(state.versions.get('V1')).toMatchObject({ status: 'superseded', adoptedOn: null, adoptedBy: null, supersededBy: 'V2', supersededOn: null });
  });

  it('is done once, only for an adopted version, and names a later version, with a reason', () => {
    const withdrawn: RoadmapEvent = { type: 'RoadmapVersionAdoptionWithdrawn', data: { roadmapId: ROADMAP, version: 'V1', by: 'V2', reason } };
    given(roadmapDecider, [...oldLog, withdrawn]).when(cmd('WithdrawAdoption', { version: 'V1', by: 'V2', reason })).thenThrows('version_already_superseded', 'conflict');
    given(roadmapDecider, oldLog).when(cmd('WithdrawAdoption', { version: 'V3', by: 'V4', reason })).thenThrows('version_not_adopted', 'rule');
    given(roadmapDecider, oldLog).when(cmd('WithdrawAdoption', { version: 'V2', by: 'V1', reason })).thenThrows('version_order', 'rule');
    given(roadmapDecider, oldLog).when(cmd('WithdrawAdoption', { version: 'V2', by: 'V3', reason: ' ' })).thenThrows('missing_text', 'invalid');
  });
});

describe('text limits of a roadmap', () => {
  const longer = (field: keyof typeof TEXT_LIMITS) => 'x'.repeat(TEXT_LIMITS[field] + 1);
  it.each([
    ['title', { ...createData, title: longer('roadmapTitle') }],
    ['region.name', { ...createData, region: { code: '24', name: longer('regionName') } }],
    ['enjeux[1].title', { ...createData, enjeux: enjeux.map((e, k) => (k === 1 ? { ...e, title: longer('enjeuTitle') } : e)) }],
  ] as const)('%s is checked', (field, data) => {
    expect(given(roadmapDecider).when(cmd('CreateRoadmap', data)).thenThrows('text_too_long', 'invalid').details).toMatchObject({ field });
  });

  it.each([['adoptedBy', 'adoptedBy'], ['facts', 'facts']] as const)('%s of an adoption is checked', (field, limit) => {
    const draft = given(roadmapDecider, [...history, drafted('V5', 'V4', '2024-01-10')]);
    expect(draft.when(cmd('AdoptVersion', { version: 'V5', adoptedOn: '2024-06', [field]: longer(limit) })).thenThrows('text_too_long', 'invalid').details).toMatchObject({ field });
  });
});

describe('versions in the order of their number', () => {
  it('V10 is drafted after V9, and is then the latest adopted', () => {
    const upToV9 = [created, drafted('V9', null), adopted('V9', '2019-03')];
    const state = given(roadmapDecider, upToV9).when(cmd('DraftVersion', { version: 'V10', basedOn: 'V9' })).then([drafted('V10', 'V9', TODAY)]);
    expect(state.versions.get('V10')?.status).toBe('draft');
    expect(latestAdopted(given(roadmapDecider, [...upToV9, drafted('V10', 'V9'), adopted('V10', '2024-06')]).state())?.version).toBe('V10');
  });
});

describe('versions the sources know only as drafts', () => {
  // Annexe 3: "Une première version a été rédigée en 2010", "La deuxième version a été conçue en 2014".
  const early = [created, drafted('V1', null, '2010'), { type: 'RoadmapVersionSuperseded', data: { roadmapId: ROADMAP, version: 'V1', by: 'V2', on: null } } as RoadmapEvent];

  it('a draft date is as precise as the sources: a year', () => {
    const state = given(roadmapDecider, [created]).when(cmd('DraftVersion', { version: 'V1', basedOn: null, draftedOn: '2010', facts: 'Rédigée en 2010' }))
      .then([{ type: 'RoadmapVersionDrafted', data: { roadmapId: ROADMAP, version: 'V1', basedOn: null, draftedOn: '2010', facts: 'Rédigée en 2010' } }]);
    expect(state.versions.get('V1')).toMatchObject({ status: 'draft', draftedOn: '2010', facts: 'Rédigée en 2010' });
  });

  it('an unknown draft date stays unknown (null), not today', () => {
    const state = given(roadmapDecider, [created]).when(cmd('DraftVersion', { version: 'V3', basedOn: null, draftedOn: null }))
      .then([{ type: 'RoadmapVersionDrafted', data: { roadmapId: ROADMAP, version: 'V3', basedOn: null, draftedOn: null } }]);
    expect(state.versions.get('V3')!.draftedOn).toBeNull();
  });

  it('a draft date is a dated label', () => {
    given(roadmapDecider, [created]).when(cmd('DraftVersion', { version: 'V1', basedOn: null, draftedOn: 'en 2010' })).thenThrows('invalid_dated', 'invalid');
  });

  it('a draft is superseded by a later version without being adopted, on a date the sources may not give', () => {
    const state = given(roadmapDecider, [created, drafted('V1', null, '2010')]).when(cmd('SupersedeVersion', { version: 'V1', by: 'V2' }))
      .then([{ type: 'RoadmapVersionSuperseded', data: { roadmapId: ROADMAP, version: 'V1', by: 'V2', on: null } }]);
    expect(state.versions.get('V1')).toMatchObject({ status: 'superseded', adoptedOn: null, supersededBy: 'V2', supersededOn: null });
    expect(latestAdopted(state)).toBeNull();
  });

  it('once superseded, the next version is drafted from it, and it cannot be adopted', () => {
    given(roadmapDecider, early).when(cmd('DraftVersion', { version: 'V2', basedOn: 'V1', draftedOn: '2014' }))
      .then([{ type: 'RoadmapVersionDrafted', data: { roadmapId: ROADMAP, version: 'V2', basedOn: 'V1', draftedOn: '2014' } }]);
    given(roadmapDecider, early).when(cmd('AdoptVersion', { version: 'V1', adoptedOn: '2010' })).thenThrows('version_superseded', 'rule');
  });

  it('a version is superseded once, by a later version, and only while a draft', () => {
    given(roadmapDecider, early).when(cmd('SupersedeVersion', { version: 'V1', by: 'V3' })).thenThrows('version_already_superseded', 'conflict');
    given(roadmapDecider, [created, drafted('V2', null, '2014')]).when(cmd('SupersedeVersion', { version: 'V2', by: 'V1' })).thenThrows('version_order', 'rule');
    aRoadmap().when(cmd('SupersedeVersion', { version: 'V3', by: 'V4' })).thenThrows('version_not_draft', 'rule');
    aRoadmap().when(cmd('SupersedeVersion', { version: 'V7', by: 'V8' })).thenThrows('version_not_found', 'not_found');
  });

  it('an adoption without facts keeps those of the draft', () => {
    const state = given(roadmapDecider, [created, { type: 'RoadmapVersionDrafted', data: { roadmapId: ROADMAP, version: 'V3', basedOn: null, draftedOn: null, facts: 'Validée en mars 2019' } }])
      .when(cmd('AdoptVersion', { version: 'V3', adoptedOn: '2019-03' }))
      .then([{ type: 'RoadmapVersionAdopted', data: { roadmapId: ROADMAP, version: 'V3', adoptedOn: '2019-03', adoptedBy: null, facts: 'Validée en mars 2019' } }]);
    expect(state.versions.get('V3')!.status).toBe('adopted');
  });
});
