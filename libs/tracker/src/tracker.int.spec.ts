import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSnapshotStore } from '#application';
import { dataFiles, loadConfig, type AppConfig } from '#config';
import { rebuildReadModels, WorkerProjectionHost } from '#projections';
import { openTracker, TrackerStart } from './tracker.js';

describe('openTracker', () => {
  let dir: string;
  let config: AppConfig;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scoran-tracker-'));
    config = loadConfig({ DATA_DIR: join(dir, 'data'), SCORAN_ADMIN_TOKEN: 'tracker-admin-token-0123' });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the store and read models in the data directory, and the other stores only when used', async () => {
    const tracker = await openTracker(config);
    const files = dataFiles(config.dataDir);
    expect(tracker.files).toEqual(files);
    expect(existsSync(files.events)).toBe(true);
    expect(existsSync(files.readModels)).toBe(true);
    for (const unused of [files.snapshots, files.auth, files.idempotency, files.eventHashes, files.relay]) expect(existsSync(unused)).toBe(false);
    expect(tracker.tokens.authenticate('tracker-admin-token-0123')).toMatchObject({ role: 'admin' });
    expect(tracker.tokens).toBe(tracker.tokens);
    // Tokens are events of the log's access stream: the file of earlier releases is only ever read.
    expect(existsSync(files.auth)).toBe(false);
    await tracker.close();
  });

  it('writes through its commands and brings the read models up to the head', async () => {
    const tracker = await openTracker(config);
    await tracker.commands.onRoadmap('r', { type: 'CreateRoadmap', data: { roadmapId: 'r', title: 'R', region: { code: '24', name: 'Centre-Val de Loire' }, enjeux: [] }, metadata: { now: new Date(), actor: 'test', correlationId: 'c', source: 'test' } });
    await tracker.catchUp();
    expect(tracker.projections.checkpoint).toBe(await tracker.store.headPosition());
    expect(tracker.readDb.prepare('SELECT COUNT(*) FROM roadmaps').pluck().get()).toBe(1);
    expect(existsSync(tracker.files.snapshots)).toBe(true);
    await tracker.close();
  });

  it('switches in read models rebuilt into a fresh file', async () => {
    const tracker = await openTracker(config);
    await tracker.commands.onRoadmap('r', { type: 'CreateRoadmap', data: { roadmapId: 'r', title: 'R', region: { code: '24', name: 'Centre-Val de Loire' }, enjeux: [] }, metadata: { now: new Date(), actor: 'test', correlationId: 'c', source: 'test' } });
    const fresh = `${tracker.files.readModels}.rebuild`;
    await rebuildReadModels(tracker.store, fresh);
    await tracker.switchReadModels(fresh);
    expect(existsSync(fresh)).toBe(false);
    expect(tracker.readDb.prepare('SELECT COUNT(*) FROM roadmaps').pluck().get()).toBe(1);
    await tracker.close();
  });

  it('opens in two steps: the store at once, the decorator and the read models when finished (once)', async () => {
    const started = TrackerStart.begin(config);
    // The store and its schema exist before the caller has its framework (main.ts imports Nest meanwhile).
    expect(existsSync(dataFiles(config.dataDir).events)).toBe(true);
    const decorated: string[] = [];
    const tracker = await started.finish({ decorateStore: (store) => { decorated.push(store.name); return store; } });
    expect(decorated).toEqual(['sqlite']);
    await expect(started.finish()).rejects.toThrow('already finished');
    await tracker.commands.onRoadmap('r', { type: 'CreateRoadmap', data: { roadmapId: 'r', title: 'R', region: { code: '24', name: 'Centre-Val de Loire' }, enjeux: [] }, metadata: { now: new Date(), actor: 'test', correlationId: 'c', source: 'test' } });
    await tracker.catchUp();
    expect(tracker.readDb.prepare('SELECT COUNT(*) FROM roadmaps').pluck().get()).toBe(1);
    await tracker.close();
  });

  it('with its projections on the worker, writes the write side\'s snapshots there; once the worker stops, writes them itself', async () => {
    const tracker = await openTracker({ ...config, projectionThread: 'worker' }, { projections: 'configured' });
    expect(tracker.projections.thread).toBe('worker');
    const files = dataFiles(config.dataDir);
    const latest = () => {
      const reader = new SqliteSnapshotStore(files.snapshots);
      try { return reader.load('sheet-s', 'sheet:v1') as { revision: number; state: { reports: string[] } } | null; } finally { reader.close(); }
    };
    const host = tracker.projections;
    const handOver = host.offloadSnapshot.bind(host);
    const handed: boolean[] = [];
    host.offloadSnapshot = (snapshot) => { const moved = handOver(snapshot); handed.push(moved); return moved; };
    const state = { reports: Array.from({ length: 500 }, (_, i) => `r${i}`) };
    tracker.snapshots.save('sheet-s', 'sheet:v1', 41, state, '2026-12-04T10:00:00.000Z');
    expect(handed).toEqual([true]);
    // Serialised here, written by the worker (with the record time of the event it was folded up to): it shows once the worker has had the message.
    const deadline = Date.now() + 10_000;
    while (latest()?.revision !== 41 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(latest()).toEqual({ revision: 41, state, recordedAt: '2026-12-04T10:00:00.000Z' });
    // The state saved stays the caller's: the bytes moved to the worker were a copy's.
    expect(state.reports).toHaveLength(500);

    await tracker.projections.stop();
    tracker.snapshots.save('sheet-s', 'sheet:v1', 42, { reports: ['after'] });
    expect(handed).toEqual([true, false]);
    expect(latest()).toEqual({ revision: 42, state: { reports: ['after'] }, recordedAt: null });
    await tracker.close();
  });

  it('gives the projection worker\'s writing connection the page cache of READ_MODEL_WRITE_CACHE_MB, 8 MB unless set', async () => {
    for (const [env, kib] of [[{}, 8192], [{ READ_MODEL_WRITE_CACHE_MB: '3' }, 3072]] as const) {
      const sized = loadConfig({ DATA_DIR: join(dir, 'data'), SCORAN_ADMIN_TOKEN: 'tracker-admin-token-0123', ...env });
      const tracker = await openTracker({ ...sized, projectionThread: 'worker' }, { projections: 'configured' });
      try {
        expect(tracker.projections).toBeInstanceOf(WorkerProjectionHost);
        expect((tracker.projections as WorkerProjectionHost).writeCacheKib).toBe(kib);
      } finally {
        await tracker.close();
      }
    }
  });

  it('without read models or store when the process needs neither (relay, Kafka-fed projector)', async () => {
    const relay = await openTracker(config, { projections: 'none' });
    expect(existsSync(dataFiles(config.dataDir).readModels)).toBe(false);
    expect(() => relay.readDb).toThrow('no read models');
    await relay.close();
    const projector = await openTracker({ ...config, dataDir: join(dir, 'projector') }, { eventStore: false });
    expect(existsSync(dataFiles(projector.config.dataDir).events)).toBe(false);
    expect(() => projector.store).toThrow('without its event store');
    expect(projector.runner.checkpoint).toBe(0);
    await projector.close();
  });
});
