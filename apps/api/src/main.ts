import 'reflect-metadata';
import { ConfigError, loadConfig } from '#config';
import { createApp } from './bootstrap.js';
import { defaultStartupHooks } from './startup-hooks.js';

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
  const app = await createApp(config, await defaultStartupHooks(config));
  await app.listen({ port: config.port, host: config.host });
  process.stderr.write(`scoran-tracker listening on http://localhost:${config.port} (data in ${config.dataDir})\n`);
}

main().catch((error) => {
  process.stderr.write(`scoran-tracker failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
