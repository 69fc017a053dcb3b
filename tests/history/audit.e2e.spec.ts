import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashChainStore, verifyChain } from '#audit';
import { loadConfig } from '#config';
import { importCommand } from '../../apps/cli/src/commands/import.command.js';
import { verifyCommand } from '../../apps/cli/src/commands/verify.command.js';
import { openTracker } from '#tracker';
import { startTestApp, type RunningApp } from '../support/test-app.js';
import { expectStatus } from '../support/roadmap-fixture.js';
import { seedHook } from '#seed';

const config = (dataDir: string) => loadConfig({ DATA_DIR: dataDir, SCORAN_ADMIN_TOKEN: 'test-admin-token-0123456789', LOG_LEVEL: 'silent', SEED_ON_START: 'false' });

/** Every read-model table, every row, in a fixed order (checkpoint times are the only wall-clock values). */
function readModelTables(dataDir: string): Record<string, unknown[]> {
  const db = new Database(join(dataDir, 'read-models.sqlite'), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'projection_checkpoints' ORDER BY name").pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => {
      const columns = (db.prepare(`SELECT name FROM pragma_table_info('${t}')`).pluck().all() as string[]).map((c) => `"${c}"`).join(', ');
      return [t, db.prepare(`SELECT * FROM "${t}" ORDER BY ${columns}`).all()];
    }));
  } finally {
    db.close();
  }
}

async function verifyDir(dataDir: string) {
  const ctx = await openTracker(config(dataDir));
  const chain = new HashChainStore(join(dataDir, 'event-hashes.sqlite'));
  try {
    const report = await verifyChain(ctx.store, chain);
    const exitCode = await withQuietStdout(() => verifyCommand.run(ctx, []));
    return { report, exitCode };
  } finally {
    chain.close();
    await ctx.close();
  }
}

async function withQuietStdout<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

function tamperedCopy(source: string, statements: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'scoran-tampered-'));
  cpSync(source, dir, { recursive: true });
  const db = new Database(join(dir, 'events.sqlite'));
  for (const sql of statements) db.exec(sql);
  db.close();
  return dir;
}

describe('audit of the seeded log: history, export/import, hash chain', () => {
  let app: RunningApp;
  let auditor: string;
  let pilot: string;
  let exported: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ hooks: [seedHook] });
    auditor = expectStatus(await app.call('POST', '/api/tokens', { body: { role: 'auditor', label: 'cour des comptes' } }), 201, 'auditor token').body.token;
    pilot = expectStatus(await app.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'region-centre-val-de-loire' } }), 201, 'pilot token').body.token;
    for (let k = 0; k < 100; k++) {
      const v = (await app.call('GET', '/api/audit/verify')).body;
      if (v.ok && v.unchained === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  afterAll(async () => {
    await app?.close(true);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('lists the global history to auditors and admins only', async () => {
    expect((await app.call('GET', '/api/history', { token: null })).status).toBe(401);
    expect((await app.call('GET', '/api/history', { token: pilot })).status).toBe(403);
    const page = expectStatus(await app.call('GET', '/api/history?limit=5', { token: auditor }), 200, 'history').body;
    expect(page.events.map((e: any) => e.position)).toEqual([1, 2, 3, 4, 5]);
    expect(page.events[0]).toMatchObject({ type: 'RoadmapCreated', actor: expect.any(String), recordedAt: expect.any(String), correlationId: expect.any(String) });
    expect(page.events[0].changes.length).toBeGreaterThan(0);
    const next = (await app.call('GET', `/api/history?after=${page.next}&limit=5`, { token: auditor })).body;
    expect(next.events[0].position).toBe(6);
  });

  it('filters the global history by type and actor, with what each event changed', async () => {
    const retired = (await app.call('GET', '/api/history?type=SheetRetired&limit=1000')).body.events as any[];
    expect(retired.length).toBe(11);
    for (const e of retired) {
      expect(e.type).toBe('SheetRetired');
      expect(e.changes).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'retired' })]));
    }
    const actor = retired[0].actor;
    const byActor = (await app.call('GET', `/api/history?actor=${encodeURIComponent(actor)}&limit=20`)).body.events as any[];
    expect(byActor.length).toBe(20);
    expect(byActor.every((e) => e.actor === actor)).toBe(true);
    expect((await app.call('GET', '/api/history?actor=nobody-at-all')).body.events).toEqual([]);
    expect((await app.call('GET', '/api/history?limit=0')).status).toBe(400);
    expect((await app.call('GET', '/api/history?type=drop%20table')).status).toBe(400);
  });

  it('exports the log as NDJSON to auditors only', async () => {
    expect((await app.call('GET', '/api/export/events.ndjson', { token: null })).status).toBe(401);
    expect((await app.call('GET', '/api/export/events.ndjson', { token: pilot })).status).toBe(403);
    const res = await app.call('GET', '/api/export/events.ndjson', { token: auditor });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    exported = res.text;
    const lines = exported.trimEnd().split('\n').map((l) => JSON.parse(l));
    const head = (await app.call('GET', '/api/events?limit=1')).body.head;
    // Every event but the access stream's: the two tokens made above stay in the store.
    expect(lines).toHaveLength(head - 2);
    expect(lines.some((l) => l.stream.startsWith('access-'))).toBe(false);
    expect(Object.keys(lines[0]).sort()).toEqual(['data', 'id', 'metadata', 'position', 'revision', 'stream', 'type']);
  });

  it('reports an intact chain over HTTP', async () => {
    expect((await app.call('GET', '/api/audit/verify', { token: pilot })).status).toBe(403);
    const report = (await app.call('GET', '/api/audit/verify', { token: auditor })).body;
    expect(report).toMatchObject({ ok: true, unchained: 0, problem: null });
    expect(report.checked).toBe(report.logHead);
  });

  it('replays the export into an empty store with the same read models, the same log and the same chain', async () => {
    // The original chain also covers the access stream, written after the exported events: the
    // replay must reach the same link as the original at the last exported event.
    const lastExported = (JSON.parse(exported.trimEnd().split('\n').at(-1)!) as { position: number }).position;
    const originalChains = new HashChainStore(join(app.dataDir, 'event-hashes.sqlite'));
    const link = [...originalChains.links()].find((l) => l.position === lastExported)!;
    originalChains.close();
    const originalChain = { position: link.position, hash: link.hash };
    await app.close();
    const file = join(app.dataDir, 'export.ndjson');
    writeFileSync(file, exported);
    const fresh = mkdtempSync(join(tmpdir(), 'scoran-import-'));
    dirs.push(fresh);
    const ctx = await openTracker(config(fresh));
    try {
      expect(await importCommand.run(ctx, [file])).toBe(0);
      // A second import is refused: the store is no longer empty.
      expect(await importCommand.run(ctx, [file])).toBe(1);
    } finally {
      await ctx.close();
    }
    // The original's read models rebuilt from its own log, as the rebuild command would.
    const rebuilt = mkdtempSync(join(tmpdir(), 'scoran-rebuilt-'));
    dirs.push(rebuilt);
    cpSync(join(app.dataDir, 'events.sqlite'), join(rebuilt, 'events.sqlite'));
    const rebuild = await openTracker(config(rebuilt));
    await rebuild.catchUp();
    await rebuild.close();
    const live = readModelTables(app.dataDir);
    const original = readModelTables(rebuilt);
    const replayed = readModelTables(fresh);
    expect(Object.keys(replayed)).toEqual(Object.keys(original));
    for (const table of Object.keys(original)) {
      expect({ table, rows: replayed[table] }).toEqual({ table, rows: original[table] });
      // Live (event by event) and replayed (large batches) read models must agree, roll-ups included.
      expect({ table, rows: replayed[table] }).toEqual({ table, rows: live[table] });
    }
    expect(Object.values(original).reduce((n, rows) => n + rows.length, 0)).toBeGreaterThan(300);
    const { report } = await verifyDir(fresh);
    expect(report).toMatchObject({ ok: true, chainHead: originalChain });
    // And the replayed log exports byte for byte as the original.
    const again = await startTestApp({ dataDir: fresh });
    try {
      expect((await again.call('GET', '/api/export/events.ndjson')).text).toBe(exported);
    } finally {
      await again.close();
    }
  });

  it('detects an event whose data was changed in the SQLite file', async () => {
    const position = (JSON.parse(exported.split('\n').find((l) => l.includes('"IndicatorReported"'))!) as { position: number }).position;
    const dir = tamperedCopy(app.dataDir, [`UPDATE events SET data = json_set(data, '$.value', 99) WHERE position = ${position}`]);
    dirs.push(dir);
    const { report, exitCode } = await verifyDir(dir);
    expect(exitCode).toBe(3);
    expect(report.problem).toMatchObject({ kind: 'tampered', position });
    const http = await startTestApp({ dataDir: dir });
    try {
      expect((await http.call('GET', '/api/audit/verify')).body).toMatchObject({ ok: false, problem: { kind: 'tampered', position } });
    } finally {
      await http.close();
    }
  });

  it('detects a deleted event', async () => {
    const dir = tamperedCopy(app.dataDir, ['DELETE FROM events WHERE position = 40']);
    dirs.push(dir);
    const { report, exitCode } = await verifyDir(dir);
    expect(exitCode).toBe(3);
    expect(report.problem).toMatchObject({ kind: 'removed', position: 40 });
  });

  it('detects two swapped events', async () => {
    const dir = tamperedCopy(app.dataDir, ['UPDATE events SET position = -1 WHERE position = 60', 'UPDATE events SET position = 60 WHERE position = 50', 'UPDATE events SET position = 50 WHERE position = -1']);
    dirs.push(dir);
    const { report, exitCode } = await verifyDir(dir);
    expect(exitCode).toBe(3);
    expect(report.problem).toMatchObject({ kind: 'reordered', position: 50 });
  });
});
