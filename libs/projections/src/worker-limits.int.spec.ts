import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The compiled module, which the process below imports (the test run builds dist/ first). */
const LIMITS = pathToFileURL(join(process.cwd(), 'dist/libs/projections/src/worker-limits.js')).href;

/**
 * A process started as the API is (`--max-semi-space-size=8`) runs workers that make two million
 * objects while keeping the last 50 000 alive (so that V8 grows their young generation as far as it
 * may) and report the largest new space they reached, in MB.
 */
const SCRIPT = `
import { Worker } from 'node:worker_threads';
import { youngGenerationLimits } from ${JSON.stringify(LIMITS)};
const probe = \`
const v8 = require('node:v8');
const ring = new Array(50000);
let max = 0;
for (let i = 0; i < 2000000; i++) {
  ring[i % ring.length] = { i, s: 'x' + i, a: [i, i + 1, i + 2] };
  if (i % 10000 === 0) max = Math.max(max, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
}
require('node:worker_threads').parentPort.postMessage(max / 1048576);\`;
const run = (resourceLimits) => new Promise((resolve, reject) => {
  const w = new Worker(probe, { eval: true, execArgv: [], resourceLimits });
  w.once('error', reject);
  w.once('message', (m) => { resolve(m); void w.terminate(); });
});
const asked = await run({ maxYoungGenerationSizeMb: 6 });
const limited = await run(youngGenerationLimits(6));
const rebuild = await run(youngGenerationLimits(96));
console.log(JSON.stringify({ asked, limited, rebuild }));
`;

describe('youngGenerationLimits', () => {
  it('gives a worker the young generation it asks for, where the process flag would otherwise win', () => {
    const out = execFileSync(process.execPath, ['--max-semi-space-size=8', '--input-type=module', '-e', SCRIPT], { encoding: 'utf8', timeout: 30_000 });
    const { asked, limited, rebuild } = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
    // Plain resourceLimits: past what 6 MB allows (two 2 MB semi-spaces), up to the flag's two 8 MB.
    expect(asked).toBeGreaterThan(4);
    // Through the helper: two 2 MB semi-spaces for 6 MB; the rebuild's 96 MB grows past the flag's 16.
    expect(limited).toBeLessThanOrEqual(4);
    expect(rebuild).toBeGreaterThan(16);
  });
});
