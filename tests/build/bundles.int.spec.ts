import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const BUNDLES = join(process.cwd(), 'dist', 'bundle');

describe('the services\' bundles (built by the tests\' global setup)', () => {
  it('are ASCII: V8 holds each source in one byte a character (the API\'s in 6 MB, not 12)', () => {
    const files = readdirSync(BUNDLES).filter((f) => f.endsWith('.js'));
    expect(files).toEqual(expect.arrayContaining(['api.js', 'projection-worker.js', 'rebuild-worker.js', 'relay.js', 'projector.js']));
    for (const f of files) {
      const bytes = readFileSync(join(BUNDLES, f));
      const first = bytes.findIndex((b) => b > 0x7f);
      expect([f, first]).toEqual([f, -1]);
    }
  });
});
