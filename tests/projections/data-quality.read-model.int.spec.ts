import { describe, expect, it } from '@jest/globals';
import { findingsOnFigure } from '#projections';
import { projectionSpec } from '../support/projection-spec.js';
import { roadmapCreated, versionDrafted } from '../support/sheet-events.js';

const all = projectionSpec();
const INF = 'suivi-regional-infrastructures-numeriques';
const recorded = (findingId: string, refersTo: object[], recordedAt?: string) => ({
  type: 'DataQualityFindingRecorded', recordedAt,
  data: { roadmapId: 'r', findingId, description: `finding ${findingId}`, figures: [{ label: 'Total', printed: 1337268, recomputed: 1401323 }], refersTo, provenance: [{ section: 'Annexe 2 – I. Fibrage', quote: '1 337 268' }] },
});

describe('data-quality read model', () => {
  it('lists a roadmap\'s findings in record order, with their figures, what they refer to and where they are printed', async () => {
    await all.given(roadmapCreated(), recorded('b', [{ section: 'Sommaire' }])).when(recorded('a', [{ sheetId: INF, indicatorId: 'prises-ftth-construites', territory: '24', zone: null }])).then(({ readModels }) => {
      const findings = readModels.dataQuality.findings('r');
      expect(findings.map((f) => [f.findingId, f.status])).toEqual([['b', 'open'], ['a', 'open']]);
      expect(findings[1]).toMatchObject({ figures: [{ label: 'Total', printed: 1337268, recomputed: 1401323 }], provenance: [{ section: 'Annexe 2 – I. Fibrage', quote: '1 337 268' }], recordedBy: 'spec' });
      expect(readModels.dataQuality.findings('r', { sheetId: INF }).map((f) => f.findingId)).toEqual(['a']);
      expect(readModels.dataQuality.findings('other')).toEqual([]);
    });
  });

  it('resolved and withdrawn, as known at any instant', async () => {
    await all.given(roadmapCreated(), recorded('a', [{ section: 'x' }], '2024-01-01T00:00:00.000Z'), recorded('b', [{ section: 'y' }], '2024-01-01T00:00:01.000Z'))
      .when(
        { type: 'DataQualityFindingResolved', recordedAt: '2024-02-01T00:00:00.000Z', data: { roadmapId: 'r', findingId: 'a', resolution: 'corrigé', on: '2024-01-31' } },
        { type: 'DataQualityFindingWithdrawn', recordedAt: '2024-03-01T00:00:00.000Z', data: { roadmapId: 'r', findingId: 'b', reason: 'misread' } },
      ).then(({ readModels }) => {
        const now = readModels.dataQuality.findings('r');
        expect(now.map((f) => f.status)).toEqual(['resolved', 'withdrawn']);
        expect(now[0]!.resolution).toEqual({ resolution: 'corrigé', on: '2024-01-31', recordedAt: '2024-02-01T00:00:00.000Z' });
        expect(now[1]!.withdrawal).toEqual({ reason: 'misread', recordedAt: '2024-03-01T00:00:00.000Z' });
        expect(readModels.dataQuality.findings('r', { knownAt: '2024-02-15T00:00:00Z' }).map((f) => f.status)).toEqual(['resolved', 'open']);
        expect(readModels.dataQuality.findings('r', { knownAt: '2024-01-15T00:00:00Z' }).map((f) => f.status)).toEqual(['open', 'open']);
        expect(readModels.dataQuality.findings('r', { knownAt: '2024-01-01T00:00:00.500Z' }).map((f) => f.findingId)).toEqual(['a']);
        expect(readModels.dataQuality.findings('r', { status: 'open' })).toEqual([]);
      });
  });

  it('a figure\'s open findings are those about its sheet, indicator, territory and zone; zone null is the all-zones figure', async () => {
    await all.given(roadmapCreated(), recorded('total', [{ sheetId: INF, indicatorId: 'prises-ftth-construites', territory: '24', zone: null }]), recorded('public-37', [{ sheetId: INF, indicatorId: 'part', territory: '37', zone: 'publique' }]))
      .when().then(({ readModels }) => {
        const findings = readModels.dataQuality.findings('r');
        const on = (territory: string, zone: string | null, indicatorId = 'prises-ftth-construites') => findingsOnFigure(findings, { sheetId: INF, indicatorId, territory, zone }).map((f) => f.findingId);
        expect(on('24', null)).toEqual(['total']);
        expect(on('24', 'privee')).toEqual([]);
        expect(on('28', null)).toEqual([]);
        expect(on('37', 'publique', 'part')).toEqual(['public-37']);
      });
  });
});

describe('governance read model', () => {
  it('facts per version, versions in number order', async () => {
    const fact = (version: string, factId: string) => ({ type: 'GovernanceRecorded', data: { roadmapId: 'r', version, factId, kind: 'body', statement: `${factId} of ${version}`, details: { body: 'crsn' }, provenance: [{ section: 'Partie II – Gouvernance', quote: 'CRSN' }] } });
    await all.given(roadmapCreated(), versionDrafted('V3'), fact('V4', 'crsn-steering-body'), fact('V3', 'v3-steering-committee')).when(fact('V4', 'crsn-meeting-cadence')).then(({ readModels }) => {
      const byVersion = readModels.governance.byVersion('r');
      expect(Object.keys(byVersion)).toEqual(['V3', 'V4']);
      expect(byVersion.V4!.map((f) => f.factId)).toEqual(['crsn-steering-body', 'crsn-meeting-cadence']);
      expect(byVersion.V3![0]).toMatchObject({ kind: 'body', statement: 'v3-steering-committee of V3', details: { body: 'crsn' }, provenance: [{ section: 'Partie II – Gouvernance', quote: 'CRSN' }] });
      expect(readModels.governance.of('r', 'V2')).toEqual([]);
    });
  });
});
