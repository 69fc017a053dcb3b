import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error: a build script, plain JavaScript without declarations
import { dateFormatOnFirstUse } from '../../scripts/bundle-services.mjs';

const lazy = dateFormatOnFirstUse as (source: string, path: string) => string;

/**
 * One of Nest's two logger modules loaded in a plain Node process of its own (outside Jest's sandbox,
 * whose globals are not the ones the module sees), as shipped or as the bundles change it, with every
 * Intl.DateTimeFormat made counted, and two lines' stamps at a fixed time.
 */
const PROBE = `
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { dateFormatOnFirstUse } from './scripts/bundle-services.mjs';
const [name, exported, variant] = process.argv.slice(1);
const file = createRequire(process.cwd() + '/').resolve('@nestjs/common/services/' + name + '.service.js');
const Native = Intl.DateTimeFormat;
let made = 0;
Intl.DateTimeFormat = function (...args) { made++; return new Native(...args); };
Date.now = () => Date.UTC(2023, 5, 26, 9, 30, 15);
const source = readFileSync(file, 'utf8');
const m = new Module(file);
m.filename = file;
m.paths = Module._nodeModulePaths(dirname(file));
m._compile(variant === 'bundled' ? dateFormatOnFirstUse(source, file) : source, file);
const atLoad = made;
// ConsoleLogger stamps with a method of its instances, Logger with a static one.
const Logger = m.exports[exported];
const stamp = () => (name === 'logger' ? Logger.getTimestamp() : new Logger().getTimestamp());
const stamps = [stamp(), stamp()];
process.stdout.write(JSON.stringify({ atLoad, stamps, made }));
`;

function probe(name: string, exported: string, variant: 'shipped' | 'bundled'): { atLoad: number; stamps: string[]; made: number } {
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', PROBE, name, exported, variant], { cwd: process.cwd(), encoding: 'utf8' })) as { atLoad: number; stamps: string[]; made: number };
}

describe('Nest\'s loggers in the bundles (scripts/bundle-services.mjs)', () => {
  it('make their date formatter on the first line they stamp, not when they are loaded, and stamp the same', () => {
    for (const [name, exported] of [['console-logger', 'ConsoleLogger'], ['logger', 'Logger']] as const) {
      const shipped = probe(name, exported, 'shipped');
      const bundled = probe(name, exported, 'bundled');
      // What the module requires may make its own (Nest's index loads the other logger): the bundled
      // module makes one fewer when it is loaded, and one on its first stamp, none on the second.
      expect([name, shipped.made - shipped.atLoad]).toEqual([name, 0]);
      expect([name, bundled.atLoad]).toEqual([name, shipped.atLoad - 1]);
      expect([name, bundled.made - bundled.atLoad]).toEqual([name, 1]);
      expect(bundled.stamps).toEqual(shipped.stamps);
      expect(shipped.stamps[0]).toMatch(/2023/);
    }
  });

  it('refuses, naming the script, a logger whose formatter is no longer written as it expects', () => {
    expect(() => lazy('const stamp = new Intl.DateTimeFormat(undefined, {});', 'x.js')).toThrow(/x\.js: no "const dateTimeFormatter = new Intl\.DateTimeFormat\(" any more; see scripts\/bundle-services\.mjs/);
  });

  it('is how the API\'s bundle holds both', () => {
    const api = readFileSync(join(process.cwd(), 'dist', 'bundle', 'api.js'), 'utf8');
    expect(api.match(/dateTimeFormatterMade\d* \?\?= new Intl\.DateTimeFormat\(/g)).toHaveLength(2);
    expect(api).not.toMatch(/dateTimeFormatter\d* = new Intl\.DateTimeFormat\(/);
  });
});
