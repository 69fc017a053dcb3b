import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedHook } from '#seed';
import { startTestApp, type RunningApp } from '../support/test-app.js';
import { createHistoryRoadmap, createInfrastructureSheet, expectStatus, HISTORY_ROADMAP as ROADMAP, INFRA } from '../support/roadmap-fixture.js';

const PATH = `/api/roadmaps/${ROADMAP}/versions/V3/assessment`;
const CLI = new URL('../../dist/apps/cli/src/main.js', import.meta.url).pathname;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The built CLI on the app's data directory (the server closed: one writer of the read models at a time). */
function cli(dataDir: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, SCORAN_ADMIN_TOKEN: 'test-admin-token-0123456789', LOG_LEVEL: 'silent', SEED_ON_START: 'false' }, encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('an assessment frozen as presented, restated since, and checked against the log', () => {
  let app: RunningApp;
  let files: string;
  let presentedAt: string;
  const frozen: Record<string, string> = {};
  const live: Record<string, string> = {};
  let restatement: any;
  let afterwards: any;

  beforeAll(async () => {
    files = mkdtempSync(join(tmpdir(), 'scoran-restatement-'));
    app = await startTestApp();
    await createHistoryRoadmap(app);
    const { reportIds } = await createInfrastructureSheet(app);
    await pause(5);
    presentedAt = new Date().toISOString();
    await pause(5);
    for (const format of ['json', 'md', 'html']) {
      frozen[format] = expectStatus(await app.call('GET', `${PATH}?format=${format}&knownAt=${presentedAt}`), 200, `frozen ${format}`).text;
      live[format] = expectStatus(await app.call('GET', `${PATH}?format=${format}`), 200, `live ${format}`).text;
      writeFileSync(join(files, `live.${format}`), live[format]!);
    }
    for (const format of ['odt', 'docx', 'pdf']) {
      const res = await fetch(`${app.baseUrl}${PATH}?format=${format}`);
      expect(res.status).toBe(200);
      writeFileSync(join(files, `live.${format}`), Buffer.from(await res.arrayBuffer()));
    }
    // After the commission's day: the Q1 2023 figure is corrected, and a report dated 2022 arrives late.
    expectStatus(await app.call('POST', `/api/sheets/${INFRA}/indicators/part-logements-raccordables/reports/${reportIds.q1_2023}/corrections`, {
      body: { value: 84.5, reason: 'ARCEP a révisé le chiffre' },
    }), 201, 'correction');
    expectStatus(await app.call('POST', `/api/sheets/${INFRA}/indicators/sites-dcc-arbitres/reports`, { body: { value: 176, observedOn: '2023-01-31', territory: '24' } }), 201, 'late report');
    restatement = expectStatus(await app.call('GET', `${PATH}/restatement?since=${presentedAt}`), 200, 'restatement').body;
    afterwards = {
      frozen: expectStatus(await app.call('GET', `${PATH}?format=json&knownAt=${presentedAt}`), 200, 'frozen again').text,
      frozenMd: expectStatus(await app.call('GET', `${PATH}?format=md&knownAt=${presentedAt}`), 200, 'frozen md again').text,
      now: expectStatus(await app.call('GET', `${PATH}?format=json`), 200, 'now').body,
      md: expectStatus(await app.call('GET', `${PATH}/restatement?since=${presentedAt}&format=md`), 200, 'restatement md').text,
    };
    await app.close();
  }, 60_000);
  afterAll(() => {
    rmSync(app.dataDir, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  });

  it('records the log position and the hash-chain link it was built from', () => {
    const a = JSON.parse(live.json!);
    expect(a.source.position).toBeGreaterThan(0);
    expect(a.source.chainHead).toMatch(/^[0-9a-f]{64}$/);
    expect(live.md).toContain(`position ${a.source.position}, chaîne ${a.source.chainHead}`);
    expect(live.html).toContain(`data-position="${a.source.position}"`);
    // Nothing was recorded between the instant and the live request: the two are the same assessment.
    expect(JSON.parse(frozen.json!).source).toEqual({ ...a.source, knownAt: presentedAt });
  });

  it('gives the frozen assessment byte for byte the same, before and after the back-dated changes, without them', () => {
    expect(afterwards.frozen).toBe(frozen.json);
    expect(afterwards.frozenMd).toBe(frozen.md);
    const q1 = (a: any) => a.enjeux.flatMap((e: any) => e.sheets).find((s: any) => s.sheetId === INFRA).indicators.find((i: any) => i.indicatorId === 'part-logements-raccordables').last;
    const sites = (a: any) => a.enjeux.flatMap((e: any) => e.sheets).find((s: any) => s.sheetId === INFRA).indicators.find((i: any) => i.indicatorId === 'sites-dcc-arbitres').last;
    expect(q1(JSON.parse(frozen.json!))).toEqual({ observedOn: '2023-03-31', observed: '2023-03-31', value: 85, qualifier: 'exact' });
    expect(sites(JSON.parse(frozen.json!))).toEqual({ observedOn: '2022-12-31', observed: '2022-12-31', value: 170, qualifier: 'exact' });
    expect(q1(afterwards.now)).toEqual({ observedOn: '2023-03-31', observed: '2023-03-31', value: 84.5, qualifier: 'exact' });
    expect(sites(afterwards.now)).toEqual({ observedOn: '2023-01-31', observed: '2023-01-31', value: 176, qualifier: 'exact' });
  });

  it('restates each changed figure as presented and as known today, with the event that changed it', () => {
    expect(restatement.presented.knownAt).toBe(presentedAt);
    const share = restatement.figures.find((f: any) => f.kind === 'indicator' && f.subject === 'part-logements-raccordables');
    expect(share.presented).toContain('85');
    expect(share.known).toContain('84.5 %');
    expect(share.events).toEqual([expect.objectContaining({ type: 'IndicatorReportCorrected', reason: 'ARCEP a révisé le chiffre' })]);
    expect(share.events[0].recordedAt > presentedAt).toBe(true);
    const sites = restatement.figures.find((f: any) => f.kind === 'indicator' && f.subject === 'sites-dcc-arbitres');
    expect(sites.presented).toContain('170 le 31 décembre 2022');
    expect(sites.known).toContain('176 le 31 janvier 2023');
    expect(sites.events).toEqual([expect.objectContaining({ type: 'IndicatorReported' })]);
    // The milestones and the outcome did not move: they are not restated.
    expect(restatement.figures.filter((f: any) => f.kind !== 'indicator')).toEqual([]);
    expect(afterwards.md).toContain(`Tel que présenté le ${presentedAt}`);
    expect(afterwards.md).toContain('motif : ARCEP a révisé le chiffre');
  });

  it('checks a document made before the log grew as what the log gave at its position, and refuses a tampered one', () => {
    for (const format of ['json', 'md', 'html', 'odt', 'docx', 'pdf']) {
      const ok = cli(app.dataDir, ['assessment', '--verify', join(files, `live.${format}`)]);
      expect({ format, status: ok.status, out: ok.stdout }).toEqual({ format, status: 0, out: expect.stringContaining('OK') });
    }
    const tampered = join(files, 'tampered.json');
    writeFileSync(tampered, readFileSync(join(files, 'live.json'), 'utf8').replace('"value": 85', '"value": 86'));
    const bad = cli(app.dataDir, ['assessment', '--verify', tampered]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('DIFFERS');
    const pdf = readFileSync(join(files, 'live.pdf'));
    const tamperedPdf = join(files, 'tampered.pdf');
    writeFileSync(tamperedPdf, Buffer.from(pdf.toString('latin1').replace('/Creator', '/Kreator'), 'latin1'));
    expect(cli(app.dataDir, ['assessment', '--verify', tamperedPdf]).status).toBe(1);
    const forged = join(files, 'forged.md');
    writeFileSync(forged, live.md!.replace(/chaîne [0-9a-f]{64}/, `chaîne ${'f'.repeat(64)}`).replace(/"chainHead":"[0-9a-f]{64}"/, `"chainHead":"${'f'.repeat(64)}"`));
    const forgedRun = cli(app.dataDir, ['assessment', '--verify', forged]);
    expect(forgedRun.status).toBe(1);
    expect(forgedRun.stdout).toContain('hash chain at position');
  });

  it('writes the frozen assessment from the CLI with --known-at, the same as the API', () => {
    const r = cli(app.dataDir, ['assessment', 'V3', '--roadmap', ROADMAP, '--format', 'json', '--known-at', presentedAt]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(frozen.json);
  });
});

describe('the seeded roadmap as known at the instant its assessment names', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startTestApp({ hooks: [seedHook] });
  });
  afterAll(() => app?.close(true));

  it('gives, folded from the log, the same assessment as the read models (V3 and V4, JSON and Markdown)', async () => {
    for (const version of ['V3', 'V4']) {
      const path = `/api/roadmaps/scoran-centre-val-de-loire/versions/${version}/assessment`;
      const live = expectStatus(await app.call('GET', `${path}?format=json`), 200, `${version} live`).text;
      const { knownAt } = JSON.parse(live).source;
      expect(expectStatus(await app.call('GET', `${path}?format=json&knownAt=${knownAt}`), 200, `${version} known at`).text).toBe(live);
      const md = expectStatus(await app.call('GET', `${path}?format=md`), 200, `${version} md`).text;
      expect(expectStatus(await app.call('GET', `${path}?format=md&knownAt=${knownAt}`), 200, `${version} md known at`).text).toBe(md);
    }
  });
});
