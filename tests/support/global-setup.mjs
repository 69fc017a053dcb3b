// Jest global setup. The in-process servers run their projections on the worker thread (the production
// default), whose script is the compiled one: dist/ is built first unless it is up to date. Then the
// Kafka broker (see kafka-global-setup.mjs). A run of the unit project alone needs neither.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import startKafkaForTests from './kafka-global-setup.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default async function globalSetup(globalConfig, projectConfig) {
  const projects = globalConfig?.selectProjects;
  const unitOnly = Array.isArray(projects) && projects.length > 0 && projects.every((name) => name === 'unit');
  if (!unitOnly) execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  await startKafkaForTests(globalConfig, projectConfig);
}
