import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '#config';
import { readSheetFacts, templateRows, writeTemplateXlsx } from '#reporting';
import { openTracker } from '#tracker';
import { fillTemplate } from '../support/spreadsheet-filler.js';

const CLI = join(process.cwd(), 'dist/apps/cli/src/main.js');

/** `npm run cli -- import-reports` as an operator runs it: the built CLI over a data directory seeded with the real roadmap. */
describe('import-reports on the command line', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scoran-cli-reports-'));
  const env = { ...process.env, DATA_DIR: dataDir, KAFKA_BROKERS: '', SCORAN_ADMIN_TOKEN: '' };
  const cli = (...args: string[]) => {
    const run = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 120_000 });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  };
  const withTracker = async <T>(use: (t: Awaited<ReturnType<typeof openTracker>>) => Promise<T>): Promise<T> => {
    const tracker = await openTracker(loadConfig(env));
    try {
      await tracker.catchUp();
      return await use(tracker);
    } finally {
      await tracker.close();
    }
  };
  const head = () => withTracker((t) => t.store.headPosition());
  let organisationId: string;
  let good: string;
  let mixed: string;

  beforeAll(async () => {
    expect(cli('seed').code).toBe(0);
    const template = await withTracker(async (t) => {
      const open = t.queries.sheets.list({}).find((s) => s.status !== 'closed' && s.indicators > 0 && s.pilots.length > 0)!;
      organisationId = open.pilots[0]!;
      return writeTemplateXlsx(templateRows(readSheetFacts(organisationId, t.queries)), { organisationId });
    });
    good = join(dataDir, 'saisie.xlsx');
    writeFileSync(good, fillTemplate(template, { cells: [{ ref: 'K2', value: 1, as: 'number' }, { ref: 'L2', value: '2026-01-15', as: 'date' }, { ref: 'N2', value: 'saisie en ligne de commande' }] }));
    mixed = join(dataDir, 'saisie-erreur.xlsx');
    writeFileSync(mixed, fillTemplate(template, { cells: [{ ref: 'K2', value: 1, as: 'number' }, { ref: 'L2', value: '2026-01-15', as: 'date' }, { ref: 'K3', value: 'beaucoup' }, { ref: 'L3', value: '2026-01-15', as: 'date' }] }));
  }, 240_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a bad invocation with exit code 2', () => {
    expect(cli('import-reports', good).code).toBe(2);
    expect(cli('import-reports', '--organisation', organisationId).code).toBe(2);
    expect(cli('import-reports', join(dataDir, 'absent.xlsx'), '--organisation', organisationId).code).toBe(2);
    expect(cli('import-reports', good, '--organisation', organisationId, '--no-such-flag').code).toBe(2);
  }, 120_000);

  it('a dry run answers the rows and writes nothing', async () => {
    const before = await head();
    const run = cli('import-reports', good, '--organisation', organisationId, '--dry-run');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({ organisationId, dryRun: true, format: 'xlsx', summary: { would_write: 1, written: 0, refused: 0 } });
    expect(run.stderr).toContain('import-reports (dry run)');
    expect(await head()).toBe(before);
  }, 120_000);

  it('the import writes through the sheet command with source cli; the same file again writes nothing', async () => {
    const before = await head();
    const run = cli('import-reports', good, '--organisation', organisationId);
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(answer.summary).toMatchObject({ written: 1, refused: 0, already_recorded: 0 });
    expect(await head()).toBe(before + 1);
    const [event] = await withTracker((t) => t.store.readAll({ fromPosition: before }));
    expect(event).toMatchObject({ id: answer.rows[0].eventId, type: 'IndicatorReported', metadata: { source: 'cli' } });
    expect(event!.data).toMatchObject({ value: 1, observedOn: '2026-01-15', comment: 'saisie en ligne de commande' });

    const again = cli('import-reports', good, '--organisation', organisationId);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).summary).toMatchObject({ written: 0, already_recorded: 1 });
    expect(await head()).toBe(before + 1);
  }, 120_000);

  it('exits 1 and lists the refused rows when some are refused', async () => {
    const before = await head();
    const run = cli('import-reports', mixed, '--organisation', organisationId);
    expect(run.code).toBe(1);
    const answer = JSON.parse(run.stdout);
    expect(answer.summary).toMatchObject({ already_recorded: 1, refused: 1 });
    expect(answer.rows.find((r: { row: number }) => r.row === 3)).toMatchObject({ outcome: 'refused', column: 'K' });
    expect(run.stderr).toMatch(/row 3: refused/);
    expect(await head()).toBe(before);
  }, 120_000);
});
