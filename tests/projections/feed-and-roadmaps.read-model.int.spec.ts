import { describe, expect, it } from '@jest/globals';
import { projectionSpec } from '../support/projection-spec.js';
import { reported, roadmapCreated, sheetCreated, versionDrafted } from '../support/sheet-events.js';

const all = projectionSpec();

describe('event feed read model', () => {
  it('pages the log by position, filtered by type or actor', async () => {
    await all.given(roadmapCreated(), sheetCreated('s')).when(reported('s', 'r1', 1, '2024-01-31'), reported('s', 'r2', 2, '2024-02-29')).then(({ readModels }) => {
      expect(readModels.eventFeed.page({ after: 0, limit: 10, type: 'IndicatorReported' })).toEqual([
        { position: 3, stream: 'sheet-s', revision: 1 },
        { position: 4, stream: 'sheet-s', revision: 2 },
      ]);
      expect(readModels.eventFeed.page({ after: 1, limit: 2 }).map((e) => e.position)).toEqual([2, 3]);
      expect(readModels.eventFeed.page({ after: 0, limit: 10, actor: 'someone-else' })).toEqual([]);
    });
  });

  it('says when the last event was recorded, and null before the first', async () => {
    await all.given().when().then(({ readModels }) => expect(readModels.eventFeed.lastRecordedAt()).toBeNull());
    await all.given(roadmapCreated(), { ...sheetCreated('s'), recordedAt: '2024-03-01T08:00:00.000Z' })
      .when({ ...reported('s', 'r1', 1, '2024-01-31'), recordedAt: '2024-03-02T09:30:00.000Z' })
      .then(({ readModels }) => expect(readModels.eventFeed.lastRecordedAt()).toBe('2024-03-02T09:30:00.000Z'));
  });
});

describe('roadmaps read model', () => {
  it('lists versions in number order (V2 before V10)', async () => {
    await all.given(roadmapCreated(), versionDrafted('V1'), versionDrafted('V10', 'V2'), versionDrafted('V2', 'V1')).when().then(({ readModels }) => {
      expect(readModels.roadmaps.get('r')!.versions.map((v) => v.version)).toEqual(['V1', 'V2', 'V10']);
      expect(readModels.roadmaps.list().map((r) => r.roadmapId)).toEqual(['r']);
      expect(readModels.roadmaps.get('missing')).toBeNull();
    });
  });
});
