import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoadmapCommands } from '#application';
import { SqliteEventStore } from '#event-store';
import { WorkerProjectionHost } from '#projections';

const ctx = { actor: 'admin:test', correlationId: 'c-1', source: 'test', now: new Date() };

// The worker runs the compiled script: these cases need `npm run build`, like the API's worker e2e spec.
const maybe = WorkerProjectionHost.available() ? describe : describe.skip;

maybe('a projection worker started before the application has loaded (WorkerProjectionHost.prestart)', () => {
  let dir: string;
  let store: SqliteEventStore;
  const files = () => ({ eventsPath: join(dir, 'events.sqlite'), readModelsPath: join(dir, 'read-models.sqlite') });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scoran-prestart-'));
    store = new SqliteEventStore({ path: files().eventsPath });
    const commands = new RoadmapCommands(store);
    await commands.onRoadmap('r', { type: 'CreateRoadmap', data: { roadmapId: 'r', title: 'R', region: { code: '24', name: 'CVL' }, enjeux: [{ enjeuId: 'avenir', number: 4, title: 'Avenir' }] }, metadata: ctx });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is adopted by the open for the same files, then projects like a worker it started itself', async () => {
    WorkerProjectionHost.prestart(files());
    const logged: string[] = [];
    const host = await WorkerProjectionHost.open({ ...files(), log: (_level, message) => logged.push(message) });
    try {
      host.start(store);
      await host.waitFor(await store.headPosition(), 10_000);
      expect(host.checkpoint).toBe(1);
      expect(host.statuses().every((s) => s.position === 1)).toBe(true);
    } finally {
      await host.stop();
    }
    // Adopted once: the next open starts a worker of its own.
    const again = await WorkerProjectionHost.open(files());
    await again.stop();
  });

  it('is stopped, not adopted, when the open names other files', async () => {
    const other = join(dir, 'other-read-models.sqlite');
    WorkerProjectionHost.prestart(files());
    const host = await WorkerProjectionHost.open({ eventsPath: files().eventsPath, readModelsPath: other });
    try {
      host.start(store);
      await host.waitFor(1, 10_000);
      expect(host.db.name).toBe(other);
    } finally {
      await host.stop();
    }
  });
});
