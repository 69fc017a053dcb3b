import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '#event-store';
import { rebuildReadModels } from '#projections';
import {
  ADMIN_TOKEN, call, freePort, load, percentile, round, rssMb, rssSampler, spawnNode, stealMeter, stopChild, timedGet, waitForAnswer, type LoadResult,
} from './bench-support.js';
import { BIG_SHEET, generateData, pilotOf, v4SheetId, V4_SHEETS, type GeneratedData } from './generate-data.js';
import { storeScenarios } from './store-scenarios.js';

/**
 * `npm run bench`: generates about a million events, then measures, in one run on this machine: the
 * event store alone against a bare appender (three scenarios), the projection rebuild (and where its
 * time goes), the start of the API on that store, time travel (asOf and knownAt) on a 100 000-event
 * sheet, the assessment of a version in each format, the report endpoint under load against the
 * strongest bare baseline and a bare Fastify route that validates the same DTO, RSS peaks during the
 * read and the write scenarios, and the scenarios of endpoints that may not be there yet (spreadsheet
 * import, SSE stream, two nodes on one store), each skipped with a line when absent. Prints a table
 * (target, measured, met), writes bench-results/latest.json with every row.
 *
 * Options (env): BENCH_DIR (data, default .cache/bench), BENCH_SECONDS (load duration per server, default 15),
 * BENCH_CONNECTIONS (default 50), BENCH_SMALL=1 (a tenth of the data, to try the harness quickly),
 * BENCH_ONLY=<comma list> (only these scenarios: store, rebuild, start, timetravel, assessment, writes,
 * import, sse, nodes, bare; with it, the data of an earlier run of the same size in BENCH_DIR is reused).
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const benchDir = resolve(process.env.BENCH_DIR ?? join(root, '.cache', 'bench'));
const dataDir = join(benchDir, 'data');
const resultsDir = join(root, 'bench-results');
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const small = process.env.BENCH_SMALL === '1';
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((x) => x.trim()).filter(Boolean)) : null;
const SCENARIOS = ['store', 'rebuild', 'start', 'timetravel', 'assessment', 'writes', 'import', 'sse', 'nodes', 'metrics', 'bare'];
for (const name of only ?? []) if (!SCENARIOS.includes(name)) throw new Error(`BENCH_ONLY: unknown scenario ${name} (known: ${SCENARIOS.join(', ')})`);
const want = (name: string) => only === null || only.has(name);
/** The API runs as `npm start` (package.json) runs it, as deployed: the same file, the same node options and environment assignments. */
const npmStart = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/);
const apiScript = npmStart.findLast((x) => x.endsWith('.js'))!;
const apiMain = join(root, apiScript);
const apiNodeFlags: string[] = npmStart.slice(npmStart.indexOf('node') + 1).filter((x) => x.startsWith('--'));
const apiEnv: Record<string, string> = Object.fromEntries(npmStart.slice(0, npmStart.indexOf('node')).filter((x) => /^[A-Z_][A-Z0-9_]*=/.test(x)).map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)]));
const baselineMain = join(root, 'dist', 'tests', 'bench', 'baseline-server.js');
const fastifyDtoMain = join(root, 'dist', 'tests', 'bench', 'fastify-dto-server.js');
const roundTripMain = join(root, 'dist', 'tests', 'bench', 'round-trip-server.js');

interface Target { name: string; target: string; measured: string; met: boolean | null; note?: string }
const targets: Target[] = [];
const results: Record<string, unknown> = {};
const log = (line: string) => process.stderr.write(`${line}\n`);
/** The CPU steal of each phase (see stealMeter), in latest.json and in the table. */
const steal = stealMeter();
/** A scenario whose endpoint or setting is not there: a printed line and a row with met = n/a. */
const skip = (name: string, target: string, why: string) => {
  log(`skipped: ${name}: ${why}`);
  targets.push({ name, target, measured: `skipped: ${why}`, met: null });
};

function machine() {
  const cpuModel = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return { cpus: cpus().length, cpuModel, memoryGb: round(totalmem() / 2 ** 30, 1), node: process.version, platform: process.platform };
}

async function readAndParseRate(): Promise<number> {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.sqlite') });
  const started = performance.now();
  let from = 0;
  let n = 0;
  for (;;) {
    const batch = await store.readAll({ fromPosition: from, limit: 5000 });
    if (batch.length === 0) break;
    n += batch.length;
    from = batch[batch.length - 1]!.position;
  }
  const rate = n / ((performance.now() - started) / 1000);
  await store.close();
  return rate;
}

/**
 * Writes out what earlier phases left in the system's page cache (`sync`) before a timed scenario:
 * generating the data writes about 1.5 GB, and what the system had not yet written of it (or of the
 * phase before) would otherwise be written under the next scenario's own writes. Each scenario then
 * meets a disk with nothing pending but its own writes. The time the sync took is printed.
 */
function settleDisk(before: string): void {
  const started = performance.now();
  const done = spawnSync('sync', { stdio: 'ignore' });
  if (done.error) log(`(sync before ${before} not run: ${done.error.message})`);
  else log(`sync before ${before}: ${Math.round(performance.now() - started)} ms`);
}

/** The CLI's blue/green rebuild (rebuildReadModels), timed: every projection from position 0 into a fresh file. */
async function rebuild(): Promise<{ events: number; seconds: number; eventsPerSecond: number; timings: Awaited<ReturnType<typeof rebuildReadModels>>['timings'] }> {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.sqlite') });
  const target = join(dataDir, 'read-models.sqlite');
  const fresh = `${target}.rebuild`;
  for (const p of [fresh, `${fresh}-wal`, `${fresh}-shm`]) rmSync(p, { force: true });
  const started = performance.now();
  const { events: n, timings } = await rebuildReadModels(store, fresh);
  const elapsed = (performance.now() - started) / 1000;
  await store.close();
  for (const p of [target, `${target}-wal`, `${target}-shm`]) rmSync(p, { force: true });
  renameSync(fresh, target);
  for (const p of [`${fresh}-wal`, `${fresh}-shm`]) rmSync(p, { force: true });
  return { events: n, seconds: elapsed, eventsPerSecond: n / elapsed, timings };
}

async function startApi(port: number, logName: string) {
  const started = performance.now();
  const child = spawnNode(apiMain, [], {
    DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', SCORAN_ADMIN_TOKEN: ADMIN_TOKEN, SEED_ON_START: 'false', LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0', NODE_ENV: 'production', ...apiEnv,
  }, join(resultsDir, logName), apiNodeFlags);
  child.stdout?.resume();
  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the API exited with code ${code} before answering: see bench-results/${logName}`))));
  const firstAnswerMs = await Promise.race([waitForAnswer(`${baseUrl}/api/sheets/${v4SheetId(0)}`, started), exited]);
  return { child, baseUrl, firstAnswerMs };
}

/** Waits until the projection worker has chained every generated event (read from the chain's file). */
async function waitForHashChain(events: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    try {
      const db = new Database(join(dataDir, 'event-hashes.sqlite'), { readonly: true, fileMustExist: true });
      const head = (db.prepare('SELECT MAX(position) FROM event_hashes').pluck().get() as number | null) ?? 0;
      db.close();
      if (head >= events) return performance.now() - started;
    } catch { /* not created yet */ }
    if (performance.now() - started > 600_000) throw new Error('the hash chain was not built within 10 minutes');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Times `count` GETs of `path(i)`, one at a time on one kept-alive connection, after `warmUp` others. */
async function timedSeries(baseUrl: string, path: (i: number) => string, count: number, warmUp: number) {
  for (let i = 0; i < warmUp; i++) await timedGet(baseUrl, path(count + i));
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await timedGet(baseUrl, path(i));
    if (res.status !== 200) throw new Error(`GET ${path(i)}: HTTP ${res.status}`);
    times.push(res.ms);
  }
  times.sort((a, b) => a - b);
  return { queries: times.length, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), maxMs: times[times.length - 1]! };
}

async function timeTravel(baseUrl: string, firstDay: string, lastDay: string) {
  const from = Date.parse(firstDay);
  const to = Date.parse(lastDay);
  const n = small ? 100 : 300;
  const randomDay = () => new Date(from + Math.random() * (to - from)).toISOString().slice(0, 10);
  const days = Array.from({ length: 2 * n }, randomDay);
  const asOfPath = (day: string) => `/api/sheets/${BIG_SHEET}?asOf=${day}`;
  const knownAtPath = (day: string) => `/api/sheets/${BIG_SHEET}?knownAt=${day}T12:00:00Z`;
  // First as a freshly started server answers them: 100 warm-up queries (first statements prepared,
  // pages cached), then the measured ones, one at a time, on one kept-alive connection (see timedGet).
  // V8's optimising compiler is still at work during these (over a hundred compile jobs, a few
  // recompilations of the fold after deoptimisations, on the two cores the queries run on).
  const cold = {
    asOf: await timedSeries(baseUrl, (i) => asOfPath(days[i]!), n, 100),
    knownAt: await timedSeries(baseUrl, (i) => knownAtPath(days[i]!), n, 100),
  };
  // Then as a server that has been answering for a while: 1 500 more queries of both kinds on other
  // random days, then the measured ones again on the same days as above. The targets are read here;
  // the figures above are printed beside them.
  // The floor under both rows, just before and just after them: a bare round trip of the same size.
  const answerBytes = Buffer.byteLength(await (await fetch(`${baseUrl}${asOfPath(days[0]!)}`)).text());
  const roundTripBefore = await roundTripFloor(answerBytes, n);
  for (let i = 0; i < 1500; i++) await timedGet(baseUrl, i % 2 ? asOfPath(randomDay()) : knownAtPath(randomDay()));
  const asOf = await timedSeries(baseUrl, (i) => asOfPath(days[i]!), n, 0);
  const knownAt = await timedSeries(baseUrl, (i) => knownAtPath(days[i]!), n, 0);
  const roundTripAfter = await roundTripFloor(answerBytes, n);
  const both = await timedSeries(baseUrl, (i) => `/api/sheets/${BIG_SHEET}?asOf=${days[i]}&knownAt=${days[(i + 7) % days.length]}T12:00:00Z`, n, 20);
  const viaFetch: number[] = [];
  for (const day of days.slice(0, n)) {
    const t0 = performance.now();
    await call(baseUrl, 'GET', asOfPath(day));
    viaFetch.push(performance.now() - t0);
  }
  viaFetch.sort((a, b) => a - b);
  return { cold, asOf, knownAt, both, asOfFetchP50Ms: percentile(viaFetch, 50), asOfFetchP99Ms: percentile(viaFetch, 99), roundTrip: { answerBytes, before: roundTripBefore, after: roundTripAfter } };
}

/**
 * What one round trip costs on this machine at this moment (round-trip-server.ts): a bare node:http
 * server answering `bodyBytes` of JSON, queried like the time-travel rows (one at a time on one
 * kept-alive connection), after 500 warm-up queries. Nothing the API does can answer faster.
 */
async function roundTripFloor(bodyBytes: number, count: number) {
  const port = await freePort();
  const child = spawnNode(roundTripMain, [String(port), String(bodyBytes)], {}, join(resultsDir, 'round-trip.log'));
  child.stdout?.resume();
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForListening(baseUrl);
    return await timedSeries(baseUrl, () => '/', count, 500);
  } finally {
    await stopChild(child);
  }
}

const ASSESSMENT_PATHS = ['/api/roadmaps/scoran-centre-val-de-loire/versions/V4/assessment', '/api/assessments/scoran-centre-val-de-loire/V4'];
const ASSESSMENT_FORMATS = ['json', 'md', 'html', 'odt', 'docx', 'pdf'] as const;

/** Status, bytes and milliseconds of one GET with the admin token, the whole body read. */
async function timedFetch(baseUrl: string, path: string): Promise<{ status: number; ms: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const body = await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t0, bytes: body.byteLength };
}

/** The assessment of V4 (through HTTP: what a user waits for), once per format; a format the endpoint refuses is skipped. */
async function assessments(baseUrl: string) {
  let path: string | undefined;
  for (const candidate of ASSESSMENT_PATHS) if ((await timedFetch(baseUrl, candidate)).status === 200) { path = candidate; break; }
  const out: Record<string, { ms: number; bytes: number } | { skipped: string }> = {};
  if (!path) {
    skip('Assessment of V4', '≤ 1 s', 'no assessment endpoint answered 200');
    return { path: null, formats: out };
  }
  for (const format of ASSESSMENT_FORMATS) {
    const name = `Assessment of V4 as ${format}`;
    const first = await timedFetch(baseUrl, `${path}?format=${format}`);
    if (first.status !== 200) {
      out[format] = { skipped: `HTTP ${first.status}` };
      skip(name, '≤ 1 s', `${path}?format=${format} answered HTTP ${first.status}`);
      continue;
    }
    // The better of two: the first may include the statements' preparation, not what a user waits for twice.
    const second = await timedFetch(baseUrl, `${path}?format=${format}`);
    const ms = Math.min(first.ms, second.ms);
    out[format] = { ms, bytes: second.bytes };
    targets.push({ name, target: '≤ 1 s', measured: `${Math.round(ms)} ms (${second.bytes} bytes, first call ${Math.round(first.ms)} ms)`, met: ms <= 1000 });
  }
  return { path, formats: out };
}

function reportRequests(tokens: Map<string, string>, day: string): autocannon.Request[] {
  const out: autocannon.Request[] = [];
  for (let k = 1; k <= 3; k++) {
    for (let i = 0; i < V4_SHEETS; i++) {
      const sheetId = v4SheetId(i);
      out.push({
        method: 'POST', path: `/api/sheets/${sheetId}/indicators/ind-${k}/reports`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(sheetId)}` },
        body: JSON.stringify({ value: 10 + i + k, observedOn: day }),
      });
    }
  }
  return out;
}

/** A bare server (baseline-server or fastify-dto-server) under the same load as the API. */
async function bareServer(main: string, sync: 'full' | 'offload', day: string, logName: string): Promise<LoadResult> {
  const dbPath = join(benchDir, `${logName}.sqlite`);
  for (const p of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) rmSync(p, { force: true });
  settleDisk(`the load on ${logName}`);
  const port = await freePort();
  const child = spawnNode(main, [dbPath, String(port), sync], {}, join(resultsDir, `${logName}.log`));
  child.stdout?.resume();
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForListening(baseUrl);
  const requests = reportRequests(new Map(Array.from({ length: V4_SHEETS }, (_, i) => [v4SheetId(i), 'none'])), day);
  await load(baseUrl, requests, connections, 3);
  const result = await load(baseUrl, requests, connections, seconds);
  await stopChild(child);
  for (const p of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) rmSync(p, { force: true });
  return result;
}

interface BareRuns { full: LoadResult; offload: LoadResult }

/** The bare node:http baseline in both of its sync modes, one after the other. */
async function bareRuns(day: string): Promise<BareRuns> {
  return {
    full: await bareServer(baselineMain, 'full', day, 'baseline-full'),
    offload: await bareServer(baselineMain, 'offload', day, 'baseline-offload'),
  };
}

/**
 * One baseline from its runs just before and just after the API's: the mean throughput, the worse of
 * the two latencies (printed beside the API's), the failures of both.
 */
function bracketed(before: LoadResult, after: LoadResult): LoadResult {
  const statusCodes: Record<string, number> = { ...before.statusCodes };
  for (const [code, n] of Object.entries(after.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    requestsPerSecond: (before.requestsPerSecond + after.requestsPerSecond) / 2,
    total: before.total + after.total,
    latencyP50: Math.max(before.latencyP50, after.latencyP50),
    latencyP99: Math.max(before.latencyP99, after.latencyP99),
    latencyMax: Math.max(before.latencyMax, after.latencyMax),
    errors: before.errors + after.errors,
    timeouts: before.timeouts + after.timeouts,
    non2xx: before.non2xx + after.non2xx,
    statusCodes,
  };
}

async function waitForListening(baseUrl: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    try { await fetch(`${baseUrl}/`); return; } catch { await new Promise((r) => setTimeout(r, 10)); }
  }
  throw new Error(`${baseUrl} never listened`);
}

/** Whether a route exists: Nest answers an unknown route with 404 "Cannot <METHOD> <path>". */
async function routeExists(baseUrl: string, method: string, path: string): Promise<boolean> {
  const res = await call(baseUrl, method, path, method === 'GET' ? undefined : {});
  return !(res.status === 404 && /Cannot (GET|POST)/.test(JSON.stringify(res.body ?? '')));
}

/**
 * POST …/reports/import with an .xlsx of 10 000 rows built with exceljs, for the pilot of one V4
 * sheet: the organisation's own template (GET …/report-template.xlsx, whose hidden worksheet maps
 * each row back to its indicator), its rows repeated with a value and a day each, back from yesterday.
 */
async function spreadsheetImport(baseUrl: string, token: string, sheetId: string) {
  const name = 'Import of 10 000 spreadsheet rows';
  const organisationId = pilotOf(sheetId);
  const path = `/api/organisations/${organisationId}/reports/import`;
  if (!(await routeExists(baseUrl, 'POST', path))) return skip(name, '≤ 2 s', `POST ${path} is not on main yet`);
  const template = await fetch(`${baseUrl}/api/organisations/${organisationId}/report-template.xlsx`, { headers: { authorization: `Bearer ${token}` } });
  if (!template.ok) return skip(name, '≤ 2 s', `GET …/report-template.xlsx answered HTTP ${template.status}`);
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await template.arrayBuffer()) as never);
  const sheet = book.worksheets.find((w) => w.state !== 'hidden') ?? book.worksheets[0]!;
  const header = (sheet.getRow(1).values as unknown[]).map((v) => String(v ?? ''));
  const valueColumn = header.indexOf('Valeur');
  const dayColumn = header.indexOf('Observé le');
  if (valueColumn < 1 || dayColumn < 1 || sheet.rowCount < 2) return skip(name, '≤ 2 s', `the template has no "Valeur" / "Observé le" columns or no row (${header.join(', ')})`);
  const rows = Array.from({ length: sheet.rowCount - 1 }, (_, i) => [...(sheet.getRow(i + 2).values as unknown[])]);
  const yesterday = Date.now() - 86_400_000;
  for (let i = 0; i < 10_000; i++) {
    const values = [...rows[i % rows.length]!];
    values[valueColumn] = (i % 97) + 1;
    values[dayColumn] = new Date(yesterday - Math.floor(i / rows.length) * 86_400_000).toISOString().slice(0, 10);
    // Row.values reads back 1-based (index 0 empty); an array given with an index 0 is taken as
    // 0-based, so each row is written back without it (with it, every cell moved one column right).
    if (i < rows.length) sheet.getRow(i + 2).values = values.slice(1) as never;
    else sheet.addRow(values.slice(1));
  }
  const xlsx = Buffer.from(await book.xlsx.writeBuffer());
  const form = new FormData();
  form.append('file', new Blob([xlsx], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), 'reports.xlsx');
  const t0 = performance.now();
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const text = await res.text();
  const ms = performance.now() - t0;
  let summary: unknown = null;
  try { summary = (JSON.parse(text) as { summary?: unknown }).summary ?? null; } catch { /* not JSON */ }
  results.import = { status: res.status, ms, bytes: xlsx.byteLength, templateRows: rows.length, summary, answer: summary ? undefined : text.slice(0, 500) };
  log(`import: HTTP ${res.status} after ${Math.round(ms)} ms ${JSON.stringify(summary)}`);
  targets.push({ name, target: '≤ 2 s, 2xx', measured: `${Math.round(ms)} ms, HTTP ${res.status}${summary ? ` ${JSON.stringify(summary)}` : `: ${text.slice(0, 120)}`}`, met: res.ok && ms <= 2000 });
}

/**
 * GET /metrics as Prometheus scrapes it, after the write scenarios: the first scrape since the start
 * (every pilot organisation's reporting lag is computed over all its sheets), with GET /health probed
 * every 20 ms meanwhile to show whether other requests wait for it; then a scrape after one report on
 * the big sheet (only that sheet is read again), then one with nothing written.
 */
async function metricsScrapes(baseUrl: string, pid: number, day: string) {
  const name = 'GET /metrics (a Prometheus scrape)';
  const target = "first scrape ≤ 10 s (Prometheus' default timeout) with /health ≤ 100 ms meanwhile; after a report ≤ 1 s";
  const scrape = async () => {
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}/metrics`);
    const text = await res.text();
    if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status} ${text.slice(0, 200)}`);
    return { ms: performance.now() - t0, lagSeries: text.split('\n').filter((l) => l.startsWith('scoran_sheet_reporting_lag_days{')).length };
  };
  const rssBeforeMb = rssMb(pid);
  const probes: number[] = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      probes.push((await timedGet(baseUrl, '/health')).ms);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const first = await scrape();
  probing = false;
  await probe;
  const rssAfterMb = rssMb(pid);
  const token = await call(baseUrl, 'POST', '/api/tokens', { role: 'pilot', organisationId: pilotOf(BIG_SHEET), label: 'bench metrics' });
  if (token.status !== 201) throw new Error(`token for ${BIG_SHEET}: HTTP ${token.status}`);
  const report = await call(baseUrl, 'POST', `/api/sheets/${BIG_SHEET}/indicators/ind-2/reports`, { value: 1, observedOn: day }, token.body.token);
  if (report.status !== 201) throw new Error(`report on ${BIG_SHEET}: HTTP ${report.status} ${JSON.stringify(report.body)}`);
  const afterReport = await scrape();
  const unchanged = await scrape();
  probes.sort((a, b) => a - b);
  const probeMax = probes.at(-1) ?? 0;
  results.metrics = { firstMs: first.ms, afterReportMs: afterReport.ms, unchangedMs: unchanged.ms, lagSeries: first.lagSeries, healthProbes: probes.length, healthP99Ms: percentile(probes, 99), healthMaxMs: probeMax, rssBeforeMb, rssAfterMb };
  const measured = `first ${Math.round(first.ms)} ms (${first.lagSeries} per-sheet lag series; /health meanwhile ${probes.length} probes, p99 ${round(percentile(probes, 99), 1)} ms, max ${round(probeMax, 1)} ms; RSS ${round(rssBeforeMb)} → ${round(rssAfterMb)} MB), after a report on ${BIG_SHEET} ${Math.round(afterReport.ms)} ms, nothing written ${Math.round(unchanged.ms)} ms`;
  log(`metrics: ${measured}`);
  targets.push({ name, target, measured, met: first.ms <= 10_000 && probeMax <= 100 && afterReport.ms <= 1000 });
}

/** 1 000 clients on the SSE stream, one write: the time until each has received it. */
async function sseFanOut(baseUrl: string, write: () => Promise<void>) {
  const name = '1 000 SSE clients, one write';
  const path = '/api/events/stream';
  const clients = 1000;
  const agent = new HttpAgent({ keepAlive: false, maxSockets: Infinity });
  const probe = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'text/event-stream' }, agent }, (res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
    req.end();
  });
  if (probe !== 200) return skip(name, 'all receive it, p99 ≤ 100 ms', `GET ${path} answered HTTP ${probe} (not on main yet)`);
  let writeAt = Number.POSITIVE_INFINITY;
  const received: number[] = [];
  const requests: Array<ReturnType<typeof httpRequest>> = [];
  let connected = 0;
  await new Promise<void>((resolve, reject) => {
    for (let i = 0; i < clients; i++) {
      const req = httpRequest(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'text/event-stream' }, agent }, (res) => {
        let got = false;
        res.on('data', (chunk: Buffer) => {
          // Only a data line written after the write counts (heartbeats and comments do not).
          if (got || performance.now() < writeAt || !/^data:/m.test(chunk.toString('utf8'))) return;
          got = true;
          received.push(performance.now() - writeAt);
        });
        if (++connected === clients) resolve();
      });
      req.on('error', reject);
      req.end();
      requests.push(req);
    }
  });
  await new Promise((r) => setTimeout(r, 200));
  writeAt = performance.now();
  await write();
  const deadline = performance.now() + 5000;
  while (received.length < clients && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  for (const req of requests) req.destroy();
  agent.destroy();
  received.sort((a, b) => a - b);
  const p99 = percentile(received, 99);
  results.sse = { clients, received: received.length, p50Ms: percentile(received, 50), p99Ms: p99, maxMs: received.at(-1) ?? null };
  log(`sse: ${received.length}/${clients} received, p99 ${round(p99)} ms`);
  targets.push({ name, target: 'all receive it, p99 ≤ 100 ms', measured: `${received.length}/${clients} received; p50 ${round(percentile(received, 50))} ms, p99 ${round(p99)} ms`, met: received.length === clients && p99 <= 100 });
}

/** Two API processes on one event store file (EVENT_STORE_PATH), the report load split between them. */
async function twoNodes(baseUrl: string, requests: autocannon.Request[]) {
  const name = `Two API nodes on one store, ${connections} connections`;
  const config = join(root, 'dist', 'libs', 'config', 'src', 'app-config.js');
  if (!readFileSync(config, 'utf8').includes('EVENT_STORE_PATH')) return skip(name, 'no error', 'the EVENT_STORE_PATH setting is not on main yet');
  const secondDir = join(benchDir, 'node-b');
  mkdirSync(secondDir, { recursive: true });
  // The second node starts from copies of the first one's derived files (SQLite's online backup), as
  // a node added to a running deployment would be provisioned: otherwise its first writes wait until
  // its projections have replayed the whole log, and the scenario measures that replay.
  for (const file of ['read-models.sqlite', 'event-hashes.sqlite']) {
    if (!existsSync(join(dataDir, file))) continue;
    const source = new Database(join(dataDir, file), { readonly: true });
    try { await source.backup(join(secondDir, file)); } finally { source.close(); }
  }
  const port = await freePort();
  const started = performance.now();
  const child = spawnNode(apiMain, [], {
    DATA_DIR: secondDir, EVENT_STORE_PATH: join(dataDir, 'events.sqlite'), PORT: String(port), HOST: '127.0.0.1', SCORAN_ADMIN_TOKEN: ADMIN_TOKEN,
    SEED_ON_START: 'false', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', NODE_ENV: 'production', ...apiEnv,
  }, join(resultsDir, 'api-node-b.log'), apiNodeFlags);
  child.stdout?.resume();
  const second = `http://127.0.0.1:${port}`;
  try {
    const readyMs = await waitForAnswer(`${second}/api/sheets/${v4SheetId(0)}`, started, 600_000);
    await Promise.all([load(baseUrl, requests, Math.ceil(connections / 2), 3), load(second, requests, Math.floor(connections / 2), 3)]);
    const [a, b] = await Promise.all([load(baseUrl, requests, Math.ceil(connections / 2), seconds), load(second, requests, Math.floor(connections / 2), seconds)]);
    const failures = a.errors + a.timeouts + a.non2xx + b.errors + b.timeouts + b.non2xx;
    results.twoNodes = { readyMs, a, b };
    targets.push({ name, target: 'no error', measured: `${Math.round(a.requestsPerSecond + b.requestsPerSecond)} req/s in all (${Math.round(a.requestsPerSecond)} + ${Math.round(b.requestsPerSecond)}); p99 ${a.latencyP99} / ${b.latencyP99} ms; ${failures} errors (answers ${JSON.stringify(a.statusCodes)} / ${JSON.stringify(b.statusCodes)})`, met: failures === 0 });
  } finally {
    await stopChild(child);
  }
}

async function main(): Promise<void> {
  mkdirSync(resultsDir, { recursive: true });
  results.machine = machine();
  log(`machine: ${JSON.stringify(results.machine)}`);
  results.apiNodeFlags = apiNodeFlags;
  results.apiEnv = apiEnv;
  log(`the API runs as: ${[...Object.entries(apiEnv).map(([k, v]) => `${k}=${v}`), 'node', ...apiNodeFlags, apiScript].join(' ')}`);

  // 1. Data (kept from an earlier run of the same size when only some scenarios are run)
  const dataFile = join(benchDir, `data${small ? '-small' : ''}.json`);
  let data: GeneratedData;
  if (only !== null && existsSync(dataFile) && existsSync(join(dataDir, 'events.sqlite'))) {
    data = JSON.parse(readFileSync(dataFile, 'utf8')) as GeneratedData;
    log(`reusing the ${data.events} events of ${dataDir}`);
  } else {
    rmSync(benchDir, { recursive: true, force: true });
    log('generating events…');
    data = generateData(dataDir, small ? { weeks: 52, v3Sheets: 60, bigDailyIndicators: 4 } : {});
    writeFileSync(dataFile, JSON.stringify(data));
  }
  results.data = data;
  log(`generated ${data.events} events in ${round(data.seconds)} s (${BIG_SHEET}: ${data.bigSheetEvents})`);

  // 2. The event store alone against the bare appender, same process, same run
  if (want('store')) {
    steal.phase('store');
    settleDisk('the store scenarios');
    const store = await storeScenarios(benchDir, small ? 3000 : 6000, log);
    results.store = store;
    for (const s of store) {
      targets.push({
        name: `Event store alone, ${s.scenario}`, target: '≥ 0.8 × bare appender',
        measured: `${Math.round(s.store)} appends/s vs bare ${Math.round(Math.max(s.bareFull, s.bareOffload))} (FULL ${Math.round(s.bareFull)}, offloaded fdatasync ${Math.round(s.bareOffload)}) = ${round(s.ratio, 2)}×`,
        met: s.ratio >= 0.8,
      });
    }
  }

  // 3. Rebuild, next to what reading and parsing the log costs alone
  if (want('rebuild')) {
    steal.phase('rebuild');
    const readRate = await readAndParseRate();
    settleDisk('the rebuild');
    const rebuilt = await rebuild();
    results.rebuild = { ...rebuilt, readAndParseEventsPerSecond: readRate };
    const t = rebuilt.timings;
    const part = (p: typeof t) => [`read+parse ${round(p.readMs / 1000)} s`, ...Object.entries(p.applyMs).map(([k, v]) => `${k} ${round(v / 1000)} s`), `checkpoints+commits ${round(p.transactionMs / 1000)} s`, `indexes ${round(p.endBulkMs / 1000)} s`];
    const split = t.secondThread
      ? [`documents' thread: ${part(t).join(', ')}`, `series' thread: ${part(t.secondThread).join(', ')}`, `then copying the documents' tables ${round(t.mergeMs! / 1000)} s`]
      : part(t);
    log(`rebuild: ${Math.round(rebuilt.eventsPerSecond)} events/s (read+parse alone: ${Math.round(readRate)} events/s); ${split.join(', ')}`);
    targets.push({ name: 'Rebuild of all projections', target: '≥ 150 000 events/s', measured: `${Math.round(rebuilt.eventsPerSecond)} events/s (read+parse alone ${Math.round(readRate)}/s; ${split.join(', ')})`, met: rebuilt.eventsPerSecond >= 150_000 });
  }

  const needsApi = ['start', 'timetravel', 'assessment', 'writes', 'import', 'sse', 'nodes', 'metrics'].some(want);
  if (!needsApi && !want('bare')) return finish();
  let app: LoadResult | undefined;
  // The bare baselines measured just before and just after the API's report load (with 'bare'):
  // the disk's fsyncs set their pace and drift over minutes, so the yardstick brackets the API's run.
  let bareBefore: BareRuns | undefined;
  let bareAfter: BareRuns | undefined;
  let rssWrites: number | undefined;
  let rssWritePhases: Record<string, number> | undefined;
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  if (needsApi) {
    // 4. Start on a million events, persistent read models. The first start on a fresh data directory
    // also builds the audit hash chain over the whole log (once); the figure that counts is a restart.
    let primeMs: number | undefined;
    if (want('start')) {
      const prime = await startApi(await freePort(), 'api-first-start.log');
      log(`first start: first answer after ${Math.round(prime.firstAnswerMs)} ms; the audit hash chain is built once, in the background…`);
      const chainBuiltMs = await waitForHashChain(data.events);
      log(`first start: hash chain over ${data.events} events built after ${round(chainBuiltMs / 1000)} s`);
      await stopChild(prime.child);
      results.firstStartMs = primeMs = prime.firstAnswerMs;
      results.firstStartHashChainMs = chainBuiltMs;
    }
    steal.phase('start');
    const port = await freePort();
    const api = await startApi(port, 'api.log');
    const sampler = rssSampler(api.child.pid!);
    const rssAtStart = rssMb(api.child.pid!);
    log(`start: first answer after ${Math.round(api.firstAnswerMs)} ms, RSS ${round(rssAtStart)} MB`);
    if (want('start')) targets.push({ name: `First answer after start, ${data.events} events`, target: '≤ 1 s', measured: `${Math.round(api.firstAnswerMs)} ms (first start on a fresh directory ${Math.round(primeMs!)} ms)`, met: api.firstAnswerMs <= 1000 });

    // 5. Time travel on the 100 000-event sheet
    if (want('timetravel')) {
      steal.phase('time travel');
      const tt = await timeTravel(api.baseUrl, data.firstDay, data.lastDay);
      results.timeTravel = tt;
      log(`time travel: asOf p50 ${round(tt.asOf.p50Ms, 2)} / p99 ${round(tt.asOf.p99Ms, 2)} ms; knownAt p50 ${round(tt.knownAt.p50Ms, 2)} / p99 ${round(tt.knownAt.p99Ms, 2)} ms; both p99 ${round(tt.both.p99Ms, 2)} ms (after 1 500 queries; after 100: asOf p99 ${round(tt.cold.asOf.p99Ms, 2)}, knownAt p99 ${round(tt.cold.knownAt.p99Ms, 2)} ms)`);
      const series = (x: { p50Ms: number; p99Ms: number; maxMs: number }) => `p50 ${round(x.p50Ms, 2)} ms, p99 ${round(x.p99Ms, 2)} ms, max ${round(x.maxMs, 2)} ms`;
      const floor = `a bare node:http round trip of the same ${tt.roundTrip.answerBytes} bytes, same client, just before / after: p50 ${round(tt.roundTrip.before.p50Ms, 2)} / ${round(tt.roundTrip.after.p50Ms, 2)} ms, p99 ${round(tt.roundTrip.before.p99Ms, 2)} / ${round(tt.roundTrip.after.p99Ms, 2)} ms`;
      log(`time travel: ${floor}`);
      targets.push({ name: `knownAt on a ${data.bigSheetEvents}-event stream`, target: 'p99 ≤ 5 ms', measured: `${series(tt.knownAt)} after 1 500 queries; after 100: ${series(tt.cold.knownAt)} (HTTP keep-alive, one at a time; asOf and knownAt together: ${series(tt.both)}; ${floor})`, met: tt.knownAt.p99Ms <= 5 });
      targets.push({ name: `asOf on a ${data.bigSheetEvents}-event stream`, target: 'p99 ≤ 2 ms', measured: `${series(tt.asOf)} after 1 500 queries; after 100: ${series(tt.cold.asOf)} (through fetch p50 ${round(tt.asOfFetchP50Ms, 2)} ms, p99 ${round(tt.asOfFetchP99Ms, 2)} ms; ${floor})`, met: tt.asOf.p99Ms <= 2 });
    }

    // 6. Assessment of V4 (33 sheets, 10 years of weekly reports), in each format
    steal.phase('assessment');
    if (want('assessment')) results.assessment = await assessments(api.baseUrl);

    const rssRead = sampler.stop();
    results.start = { firstAnswerMs: api.firstAnswerMs, rssAtFirstAnswerMb: rssAtStart, rssPeakDuringReadsMb: rssRead, events: data.events };
    if (want('timetravel') || want('assessment')) targets.push({ name: `RSS with ${data.events} events, read scenarios`, target: '≤ 200 MB peak', measured: `${round(rssRead)} MB peak (${round(rssAtStart)} MB at first answer)`, met: rssRead <= 200 });

    // 7. Writes: one report on the 100 000-event sheet, then the report endpoint under load against the baselines
    if (['writes', 'import', 'sse', 'nodes'].some(want)) {
      const writeSampler = rssSampler(api.child.pid!);
      const tokens = new Map<string, string>();
      for (const sheetId of [...Array.from({ length: V4_SHEETS }, (_, i) => v4SheetId(i)), BIG_SHEET]) {
        const res = await call(api.baseUrl, 'POST', '/api/tokens', { role: 'pilot', organisationId: pilotOf(sheetId), label: 'bench' });
        if (res.status !== 201) throw new Error(`token for ${sheetId}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        tokens.set(sheetId, res.body.token);
      }
      const requests = reportRequests(tokens, day);
      if (want('writes')) {
        writeSampler.phase('big sheet');
        steal.phase('writes');
        const bigTimes: number[] = [];
        for (let i = 0; i < 40; i++) {
          const t0 = performance.now();
          const res = await call(api.baseUrl, 'POST', `/api/sheets/${BIG_SHEET}/indicators/ind-1/reports`, { value: i, observedOn: day }, tokens.get(BIG_SHEET)!);
          bigTimes.push(performance.now() - t0);
          if (res.status !== 201) throw new Error(`report on ${BIG_SHEET}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        }
        const firstBig = bigTimes[0]!;
        const restBig = bigTimes.slice(1).sort((a, b) => a - b);
        results.reportOnBigSheet = { firstMs: firstBig, p50Ms: percentile(restBig, 50), p99Ms: percentile(restBig, 99) };
        log(`report on ${BIG_SHEET}: first ${round(firstBig)} ms, then p50 ${round(percentile(restBig, 50), 2)} ms`);

        if (want('bare')) {
          log(`load: bare baselines before the API's, ${connections} connections, ${seconds} s each…`);
          steal.phase('bare baselines');
          bareBefore = await bareRuns(day);
        }
        log(`load: app, ${connections} connections, ${seconds} s…`);
        writeSampler.phase('report load');
        steal.phase('report load');
        settleDisk('the report load');
        await load(api.baseUrl, requests, connections, 3);
        app = await load(api.baseUrl, requests, connections, seconds);
        log(`load: app ${Math.round(app.requestsPerSecond)} req/s, p50 ${app.latencyP50} ms, p99 ${app.latencyP99} ms, ${app.errors + app.timeouts + app.non2xx} errors`);
        if (want('bare')) {
          log(`load: bare baselines after the API's…`);
          steal.phase('bare baselines');
          bareAfter = await bareRuns(day);
        }
      }

      // 8. The scenarios of the newer endpoints, each skipped with a line when its endpoint is not there
      writeSampler.phase('import');
      steal.phase('import');
      if (want('import')) await spreadsheetImport(api.baseUrl, tokens.get(v4SheetId(0))!, v4SheetId(0));
      writeSampler.phase('sse');
      steal.phase('sse');
      if (want('sse')) {
        await sseFanOut(api.baseUrl, async () => {
          const res = await call(api.baseUrl, 'POST', `/api/sheets/${v4SheetId(1)}/indicators/ind-1/reports`, { value: 1, observedOn: day }, tokens.get(v4SheetId(1))!);
          if (res.status !== 201) throw new Error(`report for the SSE clients: HTTP ${res.status}`);
        });
      }
      writeSampler.phase('two nodes');
      steal.phase('two nodes');
      if (want('nodes')) await twoNodes(api.baseUrl, requests);
      rssWrites = writeSampler.stop();
      rssWritePhases = writeSampler.phases();
      log(`RSS peaks during the write scenarios: ${Object.entries(rssWritePhases).map(([name, mb]) => `${name} ${round(mb)} MB`).join(', ')}`);
      targets.push({ name: `RSS with ${data.events} events, write scenarios`, target: '≤ 200 MB peak', measured: `${round(rssWrites)} MB peak`, met: rssWrites <= 200 });
    }

    // 9. A Prometheus scrape of /metrics, outside the RSS samplers (its own RSS before and after is given)
    steal.phase('metrics');
    if (want('metrics')) await metricsScrapes(api.baseUrl, api.child.pid!, day);
    await stopChild(api.child);
  }
  if (!want('bare')) return finish();

  steal.phase('bare baselines');
  if (!bareBefore || !bareAfter) log(`load: bare baselines, ${connections} connections, ${seconds} s each…`);
  const bare = bareBefore && bareAfter
    ? { full: bracketed(bareBefore.full, bareAfter.full), offload: bracketed(bareBefore.offload, bareAfter.offload) }
    : await bareRuns(day);
  const strongest = bare.full.requestsPerSecond >= bare.offload.requestsPerSecond ? 'full' : 'offload';
  const base = bare[strongest];
  steal.phase('fastify route');
  const fastifyDto = await bareServer(fastifyDtoMain, strongest, day, 'fastify-dto');
  results.http = {
    connections, seconds, app, baseline: base, baselineSync: strongest, baselines: bare, baselinesBefore: bareBefore, baselinesAfter: bareAfter,
    fastifyDto, rssPeakDuringWritesMb: rssWrites, rssPeaksDuringWritePhasesMb: rssWritePhases,
  };
  if (app) {
    const ratio = app.requestsPerSecond / base.requestsPerSecond;
    const ratioFastify = app.requestsPerSecond / fastifyDto.requestsPerSecond;
    Object.assign(results.http as object, { ratio, ratioToFastifyDto: ratioFastify });
    const failures = app.errors + app.timeouts + app.non2xx;
    targets.push({
      name: `POST …/reports, ${connections} connections`, target: '≥ 0.30 × strongest bare baseline, p99 ≤ 25 ms, no error',
      measured: `${Math.round(app.requestsPerSecond)} req/s vs ${Math.round(base.requestsPerSecond)} req/s (bare node:http, ${strongest === 'full' ? 'FULL sync' : 'offloaded fdatasync'}${bareBefore && bareAfter ? `, the mean of ${Math.round(bareBefore[strongest].requestsPerSecond)} before and ${Math.round(bareAfter[strongest].requestsPerSecond)} after the API's load` : ''}; the other ${Math.round(bare[strongest === 'full' ? 'offload' : 'full'].requestsPerSecond)}) = ${round(ratio, 2)}×; p99 ${app.latencyP99} ms (baseline ${base.latencyP99} ms); ${failures} errors`,
      met: ratio >= 0.3 && app.latencyP99 <= 25 && failures === 0,
    });
    targets.push({
      name: `POST …/reports against a bare Fastify route with the same DTO`, target: 'shown (no target)',
      measured: `Fastify + class-validator + bare append ${Math.round(fastifyDto.requestsPerSecond)} req/s (${round(fastifyDto.requestsPerSecond / base.requestsPerSecond, 2)}× node:http), p99 ${fastifyDto.latencyP99} ms; the API ${round(ratioFastify, 2)}× that`,
      met: null,
    });
  }
  finish();
}

function finish(): void {
  const stolen = steal.stop();
  results.cpuSteal = stolen;
  if (stolen.overallPercent !== null) {
    const phases = Object.entries(stolen.phasesPercent).map(([name, pct]) => `${name} ${pct} %`).join(', ');
    log(`CPU steal (the machine's time given by the host to other guests): ${stolen.overallPercent} % over the run; ${phases}`);
    targets.push({ name: 'CPU steal during the run', target: 'shown (no target)', measured: `${stolen.overallPercent} % over the run; ${phases}`, met: null });
  }
  results.targets = targets;
  results.finishedAt = new Date().toISOString();
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  const width = Math.max(...targets.map((x) => x.name.length));
  const targetWidth = Math.max(...targets.map((x) => x.target.length));
  process.stdout.write(`\n${'scenario'.padEnd(width)} | ${'target'.padEnd(targetWidth)} | met | measured\n`);
  for (const x of targets) process.stdout.write(`${x.name.padEnd(width)} | ${x.target.padEnd(targetWidth)} | ${(x.met === null ? 'n/a' : x.met ? 'yes' : 'NO').padEnd(3)} | ${x.measured}\n`);
  process.stdout.write(`\nwritten to ${join(resultsDir, 'latest.json')}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
