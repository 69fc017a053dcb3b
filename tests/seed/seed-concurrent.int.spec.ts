import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoadmapCommands } from '#application';
import { SqliteEventStore, type StoredEvent } from '#event-store';
import { loadSeed, seedRoadmap, type SeedSet } from '#seed';

/**
 * What a seed wrote, stream by stream: its events' types and data, without ids or record times, and
 * sorted (nodes racing on one stream interleave their commands' events differently).
 */
const shape = (events: StoredEvent[]) => {
  const byStream = new Map<string, string[]>();
  for (const e of events) byStream.set(e.stream, [...(byStream.get(e.stream) ?? []), `${e.type}:${JSON.stringify(e.data)}`]);
  return Object.fromEntries([...byStream].sort(([a], [b]) => a.localeCompare(b)).map(([stream, list]) => [stream, list.sort()]));
};

/**
 * Nodes starting together on an empty store each run the seed (as the seed hook does: exclusive).
 * The roadmap's creation is appended only if its stream does not exist yet: one node's gets
 * through, and the others stop there, so the log holds one seed.
 */
describe('several nodes seeding one empty store at the same time', () => {
  let dir: string;
  let seed: SeedSet;
  let single: StoredEvent[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scoran-seed-race-'));
    seed = loadSeed();
    const alone = new SqliteEventStore({ path: join(dir, 'alone.sqlite') });
    await seedRoadmap(new RoadmapCommands(alone), { seed });
    single = await alone.readAll();
    await alone.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('three connections seeding together write what one seed writes, once', async () => {
    const stores = [0, 1, 2].map(() => new SqliteEventStore({ path: join(dir, 'shared.sqlite') }));
    try {
      const results = await Promise.all(stores.map((s) => seedRoadmap(new RoadmapCommands(s), { seed, exclusive: true })));
      const events = await stores[0]!.readAll();
      const written = results.reduce((n, r) => n + r.written, 0);
      process.stderr.write(`concurrent seed: ${results.map((r) => r.written).join(' + ')} = ${written} events written by 3 nodes; a seed alone writes ${single.length}\n`);
      expect(shape(events)).toEqual(shape(single));
      expect(written).toBe(single.length);
      expect(events).toHaveLength(single.length);
    } finally {
      for (const s of stores) await s.close();
    }
  });

  it('a node seeding after the others is told the roadmap exists and writes nothing', async () => {
    const late = new SqliteEventStore({ path: join(dir, 'shared.sqlite') });
    try {
      const head = await late.headPosition();
      expect(await seedRoadmap(new RoadmapCommands(late), { seed, exclusive: true })).toEqual({ commands: 1, written: 0, skipped: 1 });
      expect(await late.headPosition()).toBe(head);
    } finally {
      await late.close();
    }
  });
});
