import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { ConfigError, dataFiles, loadConfig } from '#config';

/** The embedded default: API + projections (+ relay when KAFKA_BROKERS is set) in one process. */
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
  // The projection worker boots (its code, its files, the versions of the read models) on the other
  // core while this thread loads the application's modules, then the tracker adopts it: the files are
  // the ones Tracker.open gives it. Loading the application first made the two wait for each other.
  // Only on a restart: on a new data directory the tracker creates the store's file first.
  const files = dataFiles(config.dataDir, config.eventStorePath);
  if (config.eventStore === 'sqlite' && config.projectionThread === 'worker' && existsSync(files.events) && existsSync(files.readModels)) {
    const { WorkerProjectionHost } = await import('#projections');
    WorkerProjectionHost.prestart({ eventsPath: files.events, readModelsPath: files.readModels, hashChainPath: files.eventHashes });
  }
  const [{ createApp }, { defaultStartupHooks }] = await Promise.all([import('./bootstrap.js'), import('./startup-hooks.js')]);
  const app = await createApp(config, await defaultStartupHooks(config));
  await app.listen({ port: config.port, host: config.host });
  process.stderr.write(`scoran-tracker listening on http://localhost:${config.port} (data in ${config.dataDir})\n`);
}

main().catch((error) => {
  process.stderr.write(`scoran-tracker failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
