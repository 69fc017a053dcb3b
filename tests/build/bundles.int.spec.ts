import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const BUNDLES = join(process.cwd(), 'dist', 'bundle');

describe('the services\' bundles (built by the tests\' global setup)', () => {
  it('are ASCII: V8 holds each source in one byte a character (the API\'s in 6 MB, not 12)', () => {
    const files = readdirSync(BUNDLES).filter((f) => f.endsWith('.js'));
    expect(files).toEqual(expect.arrayContaining(['api.js', 'projection-worker.js', 'rebuild-worker.js', 'assessment-document.worker.js', 'relay.js', 'projector.js']));
    for (const f of files) {
      const bytes = readFileSync(join(BUNDLES, f));
      const first = bytes.findIndex((b) => b > 0x7f);
      expect([f, first]).toEqual([f, -1]);
    }
  });

  it('leave out libphonenumber-js, which no DTO uses, in place of which class-validator\'s IsPhoneNumber finds functions that refuse', () => {
    const api = readFileSync(join(BUNDLES, 'api.js'), 'utf8');
    // The package's metadata (its country calling codes) is not in any bundle; the stub that refuses is in the API's.
    for (const f of readdirSync(BUNDLES).filter((name) => name.endsWith('.js'))) expect([f, readFileSync(join(BUNDLES, f), 'utf8').includes('country_calling_codes')]).toEqual([f, false]);
    expect(api).toContain('libphonenumber-js/max is left out of the bundles');
    // What that rests on: no source of the services validates a phone number.
    const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
    const users = ['apps', 'libs'].flatMap((d) => sources(join(process.cwd(), d))).filter((f) => /\bIsPhoneNumber\b|libphonenumber/.test(readFileSync(f, 'utf8')));
    expect(users).toEqual([]);
  });
});
