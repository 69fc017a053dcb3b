import type { StartupHook } from '#application';
import { seedRoadmap } from './seed-roadmap.js';

/**
 * First start: an empty store receives the real roadmap; a store with events is left alone. Of
 * several nodes starting together on one empty store, the one whose roadmap creation is stored
 * seeds; the others find the roadmap created and leave it to that one.
 */
export const seedHook: StartupHook = async ({ store, commands, runner }) => {
  if ((await store.headPosition()) > 0) return;
  const started = Date.now();
  const result = await seedRoadmap(commands, { exclusive: true });
  if (result.written === 0) return;
  await runner.waitFor(await store.headPosition(), 60_000);
  process.stderr.write(`seeded the SCORAN Centre-Val de Loire roadmap: ${result.written} events in ${Date.now() - started} ms\n`);
};
