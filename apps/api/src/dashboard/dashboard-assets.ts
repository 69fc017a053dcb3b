import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The stylesheet and the live-update script live next to the source; neither the compiled files
 * (dist/apps/…) nor the bundle (dist/bundle/) copy them, so the source folder is looked up in every
 * folder above this file too.
 */
export function dashboardAssetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, 'assets')];
  for (let dir = here; ; dir = dirname(dir)) {
    candidates.push(resolve(dir, 'apps/api/src/dashboard/assets'));
    if (dirname(dir) === dir) break;
  }
  const found = candidates.find((dir) => existsSync(resolve(dir, 'dashboard.css')));
  if (!found) throw new Error(`dashboard assets not found in ${here}/assets nor in apps/api/src/dashboard/assets above it`);
  return found;
}

export async function registerDashboardAssets(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyStatic as any, { root: dashboardAssetsDir(), prefix: '/assets/', decorateReply: false, maxAge: '1h' });
}
