import type { StartupHook } from '#application';
import { seedRoadmap } from './seed-roadmap.js';

/** First start: an empty store receives the real roadmap; a store with events is left alone. */
export const seedHook: StartupHook = async ({ store, commands, runner }) => {
  if ((await store.headPosition()) > 0) return;
  const started = Date.now();
  const result = await seedRoadmap(commands);
  await runner.waitFor(await store.headPosition(), 60_000);
  process.stderr.write(`seeded the SCORAN Centre-Val de Loire roadmap: ${result.written} events in ${Date.now() - started} ms\n`);
};
