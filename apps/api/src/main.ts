import 'reflect-metadata';
import { ConfigError, loadConfig } from '#config';
import { TrackerStart } from '#tracker';

/**
 * The embedded default: API + projections (+ relay when KAFKA_BROKERS is set) in one process.
 * The store is opened and the projection worker started before the HTTP application is imported:
 * the worker gets ready on the other core while this thread loads Nest (most of a start's time).
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const started = TrackerStart.begin(config, { projections: 'configured' });
  const [{ createApp }, { defaultStartupHooks }] = await Promise.all([import('./bootstrap.js'), import('./startup-hooks.js')]);
  const app = await createApp(config, await defaultStartupHooks(config), started);
  await app.listen({ port: config.port, host: config.host });
  process.stderr.write(`scoran-tracker listening on http://localhost:${config.port} (data in ${config.dataDir})\n`);
}

main().catch((error) => {
  process.stderr.write(`scoran-tracker failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
