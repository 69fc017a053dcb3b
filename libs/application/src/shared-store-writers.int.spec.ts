import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import ts from 'typescript';
import { SqliteEventStore } from '#event-store';
import { buildIfNeeded } from '../../../tests/support/built-server.js';
import { repoRoot } from '../../../tests/support/kafka-test-support.js';

interface WriterReport { writer: string; acknowledged: Array<{ stream: string; id: string; revision: number }>; errors: string[] }

/**
 * Two processes deciding commands on the same few streams of one SQLite file, as two API nodes on a
 * shared EVENT_STORE_PATH do: their appends keep losing races on expected revisions to each other.
 * No command may fail for it, none may be decided on a stale state, nothing acknowledged may be lost.
 */
describe('two writer processes on one event store file', () => {
  // Inside the checkout, so that the writer resolves '#application' (the built dist/) like the API does.
  const buildDir = join(repoRoot, '.cache', `shared-store-writer-${process.pid}`);
  const dir = mkdtempSync(join(tmpdir(), 'scoran-shared-store-'));
  afterAll(() => {
    rmSync(buildDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('answer every command, each decided on the stream as stored, with no revision lost or duplicated', async () => {
    buildIfNeeded();
    const source = join(repoRoot, 'tests/support/shared-store-writer.ts');
    const script = join(buildDir, 'shared-store-writer.js');
    mkdirSync(buildDir, { recursive: true });
    writeFileSync(script, ts.transpileModule(readFileSync(source, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText);
    const path = join(dir, 'events.sqlite');
    const run = promisify(execFile);
    const reports = await Promise.all(['A', 'B'].map(async (writer) => {
      const { stdout } = await run(process.execPath, [script, path, writer, '3', '20', '3000'], { cwd: repoRoot, timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
      return JSON.parse(stdout) as WriterReport;
    }));

    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    const acknowledged = reports.flatMap((r) => r.acknowledged);
    for (const report of reports) expect(report.acknowledged.length).toBeGreaterThan(100);
    const store = new SqliteEventStore({ path });
    try {
      const events = await store.readAll();
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      expect(events.map((e) => e.id).sort()).toEqual(acknowledged.map((a) => a.id).sort());
      for (const stream of ['counter-0', 'counter-1', 'counter-2']) {
        const revisions = events.filter((e) => e.stream === stream).map((e) => e.revision);
        expect(revisions).toEqual(revisions.map((_, i) => i));
      }
      // Each event records the count its command was decided on: a stale state would show as before ≠ revision.
      expect(events.filter((e) => (e.data as { before: number }).before !== e.revision)).toEqual([]);
      const writers = new Set(events.map((e) => (e.data as { writer: string }).writer));
      expect([...writers].sort()).toEqual(['A', 'B']);
    } finally {
      await store.close();
    }
  }, 120_000);
});
