import { setFlagsFromString } from 'node:v8';
import type { ResourceLimits } from 'node:worker_threads';

/**
 * The resource limits of a worker whose young generation is `mb`, whatever the process was started
 * with. V8 reads `--max-semi-space-size` each time it makes an isolate and lets the flag win over the
 * isolate's own limits: under the API's `--max-semi-space-size=8`, a worker given
 * `maxYoungGenerationSizeMb: 6` still grew two 8 MB semi-spaces (its new space at 16 MB, read with
 * `v8.getHeapSpaceStatistics()` inside it), and the rebuild's 96 MB would be as ignored. The flag is
 * cleared before the worker is made: the threads already running keep the heap they were made with,
 * and a worker started later without limits gets V8's own default.
 */
export function youngGenerationLimits(mb: number): ResourceLimits {
  setFlagsFromString('--max-semi-space-size=0');
  return { maxYoungGenerationSizeMb: mb };
}
