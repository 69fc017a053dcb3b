import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIfNeeded, startBuiltServer, type BuiltServer } from '../support/built-server.js';

/** `npm start` on an empty DATA_DIR: the built server seeds the real roadmap and serves it. */
describe('the one-process default, as npm start runs it', () => {
  let server: BuiltServer;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    buildIfNeeded();
    dataDir = mkdtempSync(join(tmpdir(), 'scoran-start-'));
    server = await startBuiltServer({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', KAFKA_BROKERS: '' });
    base = server.baseUrl;
  }, 180_000);

  afterAll(async () => {
    if (server) await server.stop();
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
    const { code, signal } = await server.stop();
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(server.stderr()).not.toMatch(/Error|failed/);
  });
});
