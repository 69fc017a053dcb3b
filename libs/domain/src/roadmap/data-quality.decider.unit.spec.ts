import { describe, expect, it } from '@jest/globals';
import { given } from '../../../../tests/support/decider-scenario.js';
import type { RoadmapCommand } from './roadmap.commands.js';
import { roadmapDecider } from './roadmap.decider.js';
import type { RoadmapEvent } from './roadmap.events.js';

const TODAY = '2024-06-30';
const ROADMAP = 'scoran-centre-val-de-loire';
const cmd = <T extends RoadmapCommand['type']>(type: T, data: Extract<RoadmapCommand, { type: T }>['data']) => ({ type, data, metadata: { now: new Date(TODAY) } }) as RoadmapCommand;

const history: RoadmapEvent[] = [
  { type: 'RoadmapCreated', data: { roadmapId: ROADMAP, title: 'SCORAN', region: { code: '24', name: 'Centre-Val de Loire' }, enjeux: [] } },
  { type: 'RoadmapVersionDrafted', data: { roadmapId: ROADMAP, version: 'V4', basedOn: null, draftedOn: '2023-01-10' } },
];
const regionTotal = {
  findingId: 'ftth-region-total-built-excludes-amel',
  description: 'Le total régional imprimé additionne zones privées et publiques seulement.',
  figures: [{ label: 'Prises construites, total régional', printed: 1337268, recomputed: 1401323, recomputedAs: 'somme des totaux départementaux' }],
  refersTo: [{ sheetId: 'suivi-regional-infrastructures-numeriques', indicatorId: 'prises-ftth-construites', territory: '24', zone: null }],
  provenance: [{ section: 'Annexe 2 – I. Fibrage', quote: 'Total T1 2023 Prises construites … 1 337 268' }],
};
const recorded: RoadmapEvent = { type: 'DataQualityFindingRecorded', data: { roadmapId: ROADMAP, ...regionTotal } };
const aRoadmap = (...more: RoadmapEvent[]) => given(roadmapDecider, [...history, ...more]);

describe('recording a data-quality finding', () => {
  it('records what is printed, what the document\'s own numbers give, what it is about and where it is printed', () => {
    const state = aRoadmap().when(cmd('RecordFinding', regionTotal)).then([recorded]);
    expect(state.findings?.get(regionTotal.findingId)).toBe('open');
  });

  it('an id is recorded once', () => {
    aRoadmap(recorded).when(cmd('RecordFinding', regionTotal)).thenThrows('finding_exists', 'conflict');
  });

  it('a withdrawn id stays taken: its history is not reused for another finding', () => {
    aRoadmap(recorded, { type: 'DataQualityFindingWithdrawn', data: { roadmapId: ROADMAP, findingId: regionTotal.findingId, reason: 'misread' } })
      .when(cmd('RecordFinding', regionTotal)).thenThrows('finding_exists', 'conflict');
  });

  it('a finding refers to something', () => {
    aRoadmap().when(cmd('RecordFinding', { ...regionTotal, refersTo: [] })).thenThrows('refers_to_required', 'invalid');
    aRoadmap().when(cmd('RecordFinding', { ...regionTotal, refersTo: [{}] })).thenThrows('refers_to_required', 'invalid');
  });

  it('an indicator is named with its sheet', () => {
    aRoadmap().when(cmd('RecordFinding', { ...regionTotal, refersTo: [{ indicatorId: 'prises-ftth-construites' }] })).thenThrows('sheet_required', 'invalid');
  });

  it('a territory is one of the region, and the AMEL zone is in the Eure-et-Loir', () => {
    aRoadmap().when(cmd('RecordFinding', { ...regionTotal, refersTo: [{ territory: '75' }] })).thenThrows('invalid_territory', 'invalid');
    aRoadmap().when(cmd('RecordFinding', { ...regionTotal, refersTo: [{ territory: '37', zone: 'amel' }] })).thenThrows('invalid_zone', 'invalid');
  });

  it('each figure says what is printed and what is recomputed, null when nothing is', () => {
    const figures = [{ label: 'Sites', printed: 137 }] as never;
    aRoadmap().when(cmd('RecordFinding', { ...regionTotal, figures })).thenThrows('invalid_figures', 'invalid');
  });

  it('keeps the named figures a comparison is worked out from; none given, none recorded', () => {
    const workedFigures = { amelBuilt: 64055, difference: 64055 };
    aRoadmap().when(cmd('RecordFinding', { ...regionTotal, workedFigures })).then([{ type: 'DataQualityFindingRecorded', data: { roadmapId: ROADMAP, ...regionTotal, workedFigures } }]);
    aRoadmap().when(cmd('RecordFinding', { ...regionTotal, workedFigures: {} })).then([recorded]);
    aRoadmap().when(cmd('RecordFinding', { ...regionTotal, workedFigures: [64055] as never })).thenThrows('invalid_figures', 'invalid');
  });

  it('the id is a slug and the description is not blank', () => {
    aRoadmap().when(cmd('RecordFinding', { ...regionTotal, findingId: 'Total régional' })).thenThrows('invalid_id', 'invalid');
    aRoadmap().when(cmd('RecordFinding', { ...regionTotal, description: ' ' })).thenThrows('missing_text', 'invalid');
  });

  it('on a roadmap that does not exist, it is refused', () => {
    given(roadmapDecider).when(cmd('RecordFinding', regionTotal)).thenThrows('roadmap_not_found', 'not_found');
  });
});

describe('resolving and withdrawing a finding', () => {
  it('an open finding is resolved on a day, today unless told', () => {
    const state = aRoadmap(recorded).when(cmd('ResolveFinding', { findingId: regionTotal.findingId, resolution: 'Le total est servi par zone.' }))
      .then([{ type: 'DataQualityFindingResolved', data: { roadmapId: ROADMAP, findingId: regionTotal.findingId, resolution: 'Le total est servi par zone.', on: TODAY } }]);
    expect(state.findings?.get(regionTotal.findingId)).toBe('resolved');
  });

  it('a resolution is not dated in the future', () => {
    aRoadmap(recorded).when(cmd('ResolveFinding', { findingId: regionTotal.findingId, resolution: 'corrigé', on: '2024-07-01' })).thenThrows('date_in_future', 'rule');
  });

  it('an open finding is withdrawn with a reason', () => {
    const state = aRoadmap(recorded).when(cmd('WithdrawFinding', { findingId: regionTotal.findingId, reason: 'Lecture erronée du tableau.' }))
      .then([{ type: 'DataQualityFindingWithdrawn', data: { roadmapId: ROADMAP, findingId: regionTotal.findingId, reason: 'Lecture erronée du tableau.' } }]);
    expect(state.findings?.get(regionTotal.findingId)).toBe('withdrawn');
  });

  it('only an open finding is resolved or withdrawn', () => {
    const resolved: RoadmapEvent = { type: 'DataQualityFindingResolved', data: { roadmapId: ROADMAP, findingId: regionTotal.findingId, resolution: 'ok', on: '2024-01-02' } };
    aRoadmap(recorded, resolved).when(cmd('ResolveFinding', { findingId: regionTotal.findingId, resolution: 'encore' })).thenThrows('finding_not_open', 'rule');
    aRoadmap(recorded, resolved).when(cmd('WithdrawFinding', { findingId: regionTotal.findingId, reason: 'non' })).thenThrows('finding_not_open', 'rule');
  });

  it('an unknown finding is not found', () => {
    aRoadmap().when(cmd('ResolveFinding', { findingId: 'nope', resolution: 'x' })).thenThrows('finding_not_found', 'not_found');
    aRoadmap().when(cmd('WithdrawFinding', { findingId: 'nope', reason: 'x' })).thenThrows('finding_not_found', 'not_found');
  });

  it('a resolution and a reason are not blank', () => {
    aRoadmap(recorded).when(cmd('ResolveFinding', { findingId: regionTotal.findingId, resolution: '' })).thenThrows('missing_text', 'invalid');
    aRoadmap(recorded).when(cmd('WithdrawFinding', { findingId: regionTotal.findingId, reason: '' })).thenThrows('missing_text', 'invalid');
  });
});

describe('recording a governance fact', () => {
  const fact = { version: 'V4', factId: 'crsn-meeting-cadence', kind: 'meeting-cadence', statement: 'La CRSN se réunit au moins une fois par an.', details: { body: 'crsn' }, provenance: [{ section: 'Partie II – Gouvernance', quote: 'se réunit au moins une fois par an' }] };
  const governanceRecorded: RoadmapEvent = { type: 'GovernanceRecorded', data: { roadmapId: ROADMAP, ...fact } };

  it('is a fact of a version, with its words', () => {
    const state = aRoadmap().when(cmd('RecordGovernance', fact)).then([governanceRecorded]);
    expect(state.governance?.has('V4/crsn-meeting-cadence')).toBe(true);
  });

  it('of a version the roadmap has', () => {
    aRoadmap().when(cmd('RecordGovernance', { ...fact, version: 'V3' })).thenThrows('version_not_found', 'not_found');
  });

  it('once per version', () => {
    aRoadmap(governanceRecorded).when(cmd('RecordGovernance', fact)).thenThrows('governance_fact_exists', 'conflict');
  });
});
