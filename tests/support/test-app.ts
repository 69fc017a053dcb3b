import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig } from '#config';
import { createApp } from '../../apps/api/src/bootstrap.js';
import type { StartupHook } from '../../apps/api/src/infrastructure/tracker.module.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface RunningApp {
  app: NestFastifyApplication;
  baseUrl: string;
  dataDir: string;
  config: AppConfig;
  /** fetch relative to the server, JSON in and out. */
  call(method: string, path: string, options?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  /** Stops the server; the data directory stays (for restart tests) unless `remove` is true. */
  close(remove?: boolean): Promise<void>;
}

export interface TestAppOptions {
  dataDir?: string;
  env?: Record<string, string>;
  hooks?: StartupHook[];
  /** Where the projections run: the worker thread by default, as in production (its script comes from dist/). */
  projectionThread?: AppConfig['projectionThread'];
}

/** A real HTTP server on a random port, on a real SQLite store in a temporary (or given) directory. */
export async function startTestApp(options: TestAppOptions = {}): Promise<RunningApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'scoran-e2e-'));
  const config = loadConfig({
    DATA_DIR: dataDir, PORT: '0', SCORAN_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent', SEED_ON_START: 'false', HOST: '127.0.0.1',
    PROJECTION_THREAD: options.projectionThread ?? 'worker', ...options.env,
  });
  const app = await createApp(config, options.hooks ?? []);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    app, baseUrl, dataDir, config,
    call: httpCaller(baseUrl, ADMIN_TOKEN),
    async close(remove = false) {
      await app.close();
      if (remove) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `call` for a server at `baseUrl`: JSON in and out, the bearer `defaultToken` unless a call gives its own (or null). */
export function httpCaller(baseUrl: string, defaultToken: string): RunningApp['call'] {
  return async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? defaultToken : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) });
    const text = await res.text();
    let body: any = text;
    try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, body, headers: res.headers, text };
  };
}
