import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The stylesheet and the live-update script live next to the source; the compiled build (dist/)
 * does not copy them, so the source folder is looked up from there too.
 */
export function dashboardAssetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, 'assets'), resolve(here, '../../../../../apps/api/src/dashboard/assets')];
  const found = candidates.find((dir) => existsSync(resolve(dir, 'dashboard.css')));
  if (!found) throw new Error(`dashboard assets not found in ${candidates.join(' or ')}`);
  return found;
}

export async function registerDashboardAssets(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyStatic as any, { root: dashboardAssetsDir(), prefix: '/assets/', decorateReply: false, maxAge: '1h' });
}
