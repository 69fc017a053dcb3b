import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, get } from 'node:http';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import autocannon from 'autocannon';

export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The machine's CPU time from the first line of /proc/stat (ticks): what the hypervisor gave to others (steal), and all of it. */
function cpuTicks(): { steal: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    return { steal: fields[7] ?? 0, total: fields.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

/**
 * The CPU steal of each phase of a run (%): the share of the machine's CPU time that the hypervisor
 * gave to other guests. On a shared host it moves from a few percent to a third within minutes, and
 * every figure measured meanwhile moves with it; printed with the results, it says which ones met a
 * busy host. A phase named twice adds up. Null figures where /proc/stat cannot be read.
 */
export function stealMeter(): { phase(name: string): void; stop(): { overallPercent: number | null; phasesPercent: Record<string, number> } } {
  const sums = new Map<string, { steal: number; total: number }>();
  const first = cpuTicks();
  let current: { name: string; at: { steal: number; total: number } | null } | null = null;
  const close = () => {
    const now = cpuTicks();
    if (current && current.at && now) {
      const sum = sums.get(current.name) ?? { steal: 0, total: 0 };
      sum.steal += now.steal - current.at.steal;
      sum.total += now.total - current.at.total;
      sums.set(current.name, sum);
    }
    current = null;
    return now;
  };
  const percent = (steal: number, total: number) => (total > 0 ? Math.round((1000 * steal) / total) / 10 : 0);
  return {
    phase(name) {
      close();
      current = { name, at: cpuTicks() };
    },
    stop() {
      const last = close();
      return {
        overallPercent: first && last ? percent(last.steal - first.steal, last.total - first.total) : null,
        phasesPercent: Object.fromEntries([...sums].map(([name, sum]) => [name, percent(sum.steal, sum.total)])),
      };
    },
  };
}

/** Resident set size of a process, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/**
 * Samples a process's RSS until stopped; returns the peak. `phase(name)` starts a named phase, and
 * `phases()` gives the peak of each (the sample that opens a phase counts in it).
 */
export function rssSampler(pid: number, everyMs = 100): { stop(): number; peak(): number; phase(name: string): void; phases(): Record<string, number> } {
  let peak = 0;
  let current: string | undefined;
  const peaks: Record<string, number> = {};
  const sample = () => {
    try {
      const rss = rssMb(pid);
      peak = Math.max(peak, rss);
      if (current !== undefined) peaks[current] = Math.max(peaks[current] ?? 0, rss);
    } catch { /* exited */ }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => { clearInterval(timer); sample(); return peak; },
    peak: () => peak,
    phase: (name: string) => { sample(); current = name; sample(); },
    phases: () => ({ ...peaks }),
  };
}

export interface Child {
  process: ChildProcess;
  port: number;
  baseUrl: string;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
// A failed run must not leave a server behind, still working on the bench's files.
process.on('exit', () => { for (const child of children) if (child.exitCode === null) child.kill('SIGKILL'); });

export function spawnNode(script: string, args: string[], env: Record<string, string>, logPath: string, nodeFlags: readonly string[] = []): ChildProcess {
  const log = openSync(logPath, 'a');
  const child = spawn(process.execPath, [...nodeFlags, script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', log] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

/** Polls `url` until it answers 200; returns the milliseconds since `since`. */
export async function waitForAnswer(url: string, since: number, timeoutMs = 60_000, headers: Record<string, string> = {}): Promise<number> {
  for (;;) {
    try {
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - since;
    } catch {
      /* not listening yet */
    }
    if (performance.now() - since > timeoutMs) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function call(baseUrl: string, method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: any = text;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}

export interface LoadResult {
  requestsPerSecond: number;
  total: number;
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Answers by HTTP status, so that an error can be told apart from a conflict. */
  statusCodes: Record<string, number>;
}

export async function load(url: string, requests: autocannon.Request[], connections: number, durationSeconds: number): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: durationSeconds, requests, timeout: 10 });
  return {
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMax: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, (stats as { count: number }).count])),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });

/**
 * A GET on one kept-alive connection with node:http, the body read and dropped. For latency figures:
 * Node 20's fetch (undici) adds 0.3–1 ms per call and most of the tail on this machine (time travel,
 * measured both ways in one run: fetch p50 2.0–2.9 ms, p99 6.1–8.4 ms; node:http p50 1.7 ms, p99 3.6–4.5 ms).
 */
export function timedGet(baseUrl: string, path: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    get(`${baseUrl}${path}`, { agent: keepAlive }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
      res.on('error', reject);
    }).on('error', reject);
  });
}
