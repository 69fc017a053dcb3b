import type { AppConfig } from '../../../libs/config/src/index.js';
import type { StartupHook } from './infrastructure/tracker.module.js';

/** What the one-process default does once the store is open: seed the real roadmap (first start). */
export async function defaultStartupHooks(config: AppConfig): Promise<StartupHook[]> {
  const hooks: StartupHook[] = [];
  if (config.seedOnStart) {
    try {
      const { seedHook } = await import('../../../libs/seed/src/index.js');
      hooks.push(seedHook);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    }
  }
  return hooks;
}
