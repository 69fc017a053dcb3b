import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
});

/** `npm start` on an empty DATA_DIR: the built server seeds the real roadmap and serves it. */
describe('the one-process default, as npm start runs it', () => {
  let child: ChildProcess;
  let dataDir: string;
  let base: string;
  let stderr = '';

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { stdio: 'inherit' });
    dataDir = mkdtempSync(join(tmpdir(), 'scoran-start-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['dist/apps/api/src/main.js'], { env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', KAFKA_BROKERS: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d) => { stderr += d; });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try { if ((await fetch(`${base}/health`)).ok) break; } catch { /* not up yet */ }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 180_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the 33 V4 sheets', async () => {
    const sheets = (await (await fetch(`${base}/api/sheets?version=V4`)).json()) as Array<{ number: string; title: string }>;
    expect(sheets).toHaveLength(33);
    expect(sheets.find((s) => s.number === '4.13')?.title).toBe('CSIRT cyberRéponse');
  });

  it('lists the V3 sheets with how each ended', async () => {
    const sheets = (await (await fetch(`${base}/api/sheets?version=V3`)).json()) as Array<{ sheetId: string; outcome: { outcome: string; reason: string | null; nextVersion: string | null } }>;
    expect(sheets.length).toBeGreaterThanOrEqual(18);
    expect(sheets.find((s) => s.sheetId === 'open-data-challenge')?.outcome).toMatchObject({ outcome: 'carried_over', nextVersion: 'V4' });
    expect(sheets.find((s) => s.sheetId === 'pass-numerique')?.outcome).toMatchObject({ outcome: 'retired', reason: 'insufficient_partners' });
  });

  it('exposes where the document disagrees with itself', async () => {
    const body = (await (await fetch(`${base}/api/roadmaps/scoran-centre-val-de-loire/data-quality`)).json()) as { discrepancies: Array<{ id: string }> };
    expect(body.discrepancies.map((d) => d.id)).toContain('ftth-region-total-built-excludes-amel');
  });

  it('stops gracefully on SIGTERM', async () => {
    // Nest closes the application (read models, store) and then re-raises the signal.
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(stderr).not.toMatch(/Error|failed/);
  });
});
