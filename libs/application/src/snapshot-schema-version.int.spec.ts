import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialSheetState, sheetDecider, sheetStream, type SheetState } from '#domain';
import { SqliteEventStore } from '#event-store';
import { RoadmapCommands } from './roadmap-commands.js';
import { snapshotKind, SqliteSnapshotStore } from './snapshot-store.js';

const ctx = { actor: 'test', correlationId: 'c-1', source: 'test' };
const created = {
  type: 'SheetCreated',
  data: {
    sheetId: 's1', roadmapId: 'r', version: 'V4', number: '1.1', kind: 'projet', enjeu: 'inclusion', title: 'From the events', objective: null, theme: null,
    context: null, objectives: null, pilots: ['org-a'], partners: [], continues: [], indicators: [], milestones: [],
  },
};

describe('snapshots are keyed by the schema version the decider declares', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scoran-snapshot-schema-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a snapshot saved under version N is used by a decider at N and ignored by one at N + 1, which folds the events', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    await store.appendToStream(sheetStream('s1'), [{ ...created, metadata: ctx }]);
    const snapshots = new SqliteSnapshotStore(join(dir, 'snapshots.sqlite'));
    const atN = sheetDecider;
    const atNext = { ...sheetDecider, snapshotSchemaVersion: sheetDecider.snapshotSchemaVersion + 1 };
    // A state the events never produced, so that its use is visible.
    const fromSnapshot: SheetState = { ...initialSheetState(), status: 'active', sheetId: 's1', fields: { ...initialSheetState().fields, title: 'From the snapshot' } };
    snapshots.save(sheetStream('s1'), snapshotKind(atN), 0, fromSnapshot);
    expect(snapshotKind(atN)).not.toBe(snapshotKind(atNext));

    const repository = new RoadmapCommands(store, { snapshots });
    expect((await repository.load(sheetStream('s1'), atN)).state.fields.title).toBe('From the snapshot');
    const folded = await repository.load(sheetStream('s1'), atNext);
    expect(folded.state.fields.title).toBe('From the events');
    expect(folded.revision).toBe(0);
    repository.close();
    await store.close();
  });
});
