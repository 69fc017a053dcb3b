import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { httpCaller, type RunningApp } from './test-app.js';

export const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
});

/** Builds `dist/` when a source is newer (what `npm start` does first). */
export function buildIfNeeded(): void {
  execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { stdio: 'inherit' });
}

/**
 * The file a service's package.json script runs (`start`: the API's bundle, dist/bundle/api.js), relative to the
 * repository root: the tests start what `npm start` and the image start.
 */
export function serviceScript(script: 'start' | 'start:relay' | 'start:projector'): string {
  const scripts = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const file = scripts[script]?.split(/\s+/).findLast((word) => word.endsWith('.js'));
  if (!file) throw new Error(`package.json's "${script}" script runs no .js file`);
  return file;
}

export interface BuiltServer {
  child: ChildProcess;
  baseUrl: string;
  /** What the server wrote on stderr so far. */
  stderr(): string;
  /** What the server wrote on stdout so far (its JSON log lines). */
  stdout(): string;
  call: RunningApp['call'];
  /** SIGTERM, and how the process ended. */
  stop(): Promise<{ code: number | null; signal: string | null }>;
}

/**
 * The built API (the file `npm start` runs, without its GC option) on a free port, once it
 * answers /health. `env` is laid over this process's environment; an `undefined` value removes a variable.
 */
export async function startBuiltServer(env: Record<string, string | undefined>, options: { adminToken?: string; timeoutMs?: number } = {}): Promise<BuiltServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const merged: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete merged[name];
  const child = spawn(process.execPath, [serviceScript('start')], { env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  child.stdout!.on('data', (d) => { stdout += d; });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    try { if ((await fetch(`${baseUrl}/health`)).ok) break; } catch { /* not up yet */ }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    baseUrl,
    stderr: () => stderr,
    stdout: () => stdout,
    call: httpCaller(baseUrl, options.adminToken ?? ''),
    stop: () => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
      child.kill('SIGTERM');
      return exited;
    },
  };
}
