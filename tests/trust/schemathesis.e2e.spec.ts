import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixture } from '../support/roadmap-fixture.js';
import { buildIfNeeded, startBuiltServer, type BuiltServer } from '../support/built-server.js';
import type { RunningApp } from '../support/test-app.js';

const ADMIN = 'schemathesis-admin-token-0123456789';
/** Bounded so that the three runs stay within a few minutes on a small machine. */
const MAX_EXAMPLES = process.env.SCHEMATHESIS_MAX_EXAMPLES ?? '5';
const MAX_SECONDS_PER_RUN = process.env.SCHEMATHESIS_MAX_TIME ?? '50';
const CONFIG = join(process.cwd(), 'tests/support/schemathesis.toml');

interface Report {
  exit_code: number;
  operations: { tested: number };
  test_cases: { generated: number };
  failures: Array<{ code: string; title: string; count: number; operations: string[] }>;
  errors: unknown[];
}

const installed = () => spawnSync('schemathesis', ['--version'], { encoding: 'utf8' }).status === 0;

/** One `schemathesis run --checks all` over the served description; resolves with its JSON report and its output. */
function schemathesis(baseUrl: string, reportPath: string, headers: string[]): Promise<{ report: Report; output: string }> {
  const args = [
    '--config-file', CONFIG, 'run', `${baseUrl}/api/docs-json`, '--checks', 'all', '--max-examples', MAX_EXAMPLES, '--max-time', MAX_SECONDS_PER_RUN,
    '--workers', '1', '--seed', '1', '--no-color', '--report-json-path', reportPath, ...headers.flatMap((h) => ['-H', h]),
  ];
  return new Promise((resolve, reject) => {
    execFile('schemathesis', args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      try {
        resolve({ report: JSON.parse(readFileSync(reportPath, 'utf8')) as Report, output: `${stdout}${stderr}` });
      } catch {
        reject(new Error(`schemathesis wrote no report (${error?.message ?? 'no error'}):\n${stdout}${stderr}`));
      }
    });
  });
}

/**
 * The whole API against its own OpenAPI description, by schemathesis (every check: status codes
 * and content types declared, schema-valid requests accepted, schema-violating ones refused, 405
 * for undeclared methods, no 5xx…) as the secretariat, as a pilot and anonymously.
 */
describe('schemathesis against the built server', () => {
  let server: BuiltServer;
  let dataDir: string;
  const callers: Record<string, string[]> = { admin: [`Authorization: Bearer ${ADMIN}`], pilot: [], anonymous: [] };
  const counts: Record<string, { operations: number; requests: number; findings: number }> = {};

  beforeAll(async () => {
    if (!installed()) return;
    buildIfNeeded();
    dataDir = mkdtempSync(join(tmpdir(), 'scoran-schemathesis-'));
    server = await startBuiltServer({ DATA_DIR: dataDir, SCORAN_ADMIN_TOKEN: ADMIN, SEED_ON_START: 'false', LOG_LEVEL: 'error', RATE_LIMIT_PER_MINUTE: '0' }, { adminToken: ADMIN });
    await createFixture({ call: server.call } as RunningApp);
    const pilot = (await server.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'pilot-org' } })).body.token as string;
    callers.pilot = [`Authorization: Bearer ${pilot}`];
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (Object.keys(counts).length) process.stderr.write(`schemathesis: ${JSON.stringify(counts)}\n`);
  });

  it('is installed (pip install schemathesis)', () => {
    if (!installed()) throw new Error('schemathesis is not installed: pip install schemathesis (the contract run needs it; CI installs it)');
  });

  for (const who of ['admin', 'pilot', 'anonymous']) {
    it(`finds nothing as ${who}`, async () => {
      if (!installed()) throw new Error('schemathesis is not installed: pip install schemathesis');
      const { report, output } = await schemathesis(server.baseUrl, join(dataDir, `${who}.json`), callers[who]!);
      counts[who] = { operations: report.operations.tested, requests: report.test_cases.generated, findings: report.failures.reduce((n, f) => n + f.count, 0) };
      const findings = report.failures.map((f) => `${f.code} ${f.title} ×${f.count}: ${f.operations.join(', ')}`);
      expect({ findings, errors: report.errors, failuresIn: findings.length ? output.slice(output.indexOf('FAILURES'), output.indexOf('WARNINGS')) : '' }).toEqual({ findings: [], errors: [], failuresIn: '' });
      expect(report.operations.tested).toBeGreaterThan(30);
    }, 180_000);
  }
});
