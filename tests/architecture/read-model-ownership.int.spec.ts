import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { allProjections } from '#projections';

const root = process.cwd();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Every read-model table and view, as the projections declare them. */
const readModelTables = [...new Set([...allProjections().flatMap((p) => p.tables), 'enjeu_rollup'])];

/** A name like sheet_summary anywhere; a plain word like roadmaps (also a URL and a property) only where SQL would put a table. */
const mentions = (code: string, table: string) =>
  new RegExp(table.includes('_') ? `\\b${table}\\b` : `\\b(FROM|JOIN|INTO|UPDATE|TABLE)\\s+${table}\\b`, 'i').test(code);

/**
 * Each read model owns its tables, its writer and its queries (libs/projections/src/<read model>/):
 * applications and the assessment get typed read APIs, never a table name nor a database handle.
 */
describe('read-model ownership', () => {
  it('no application nor the assessment names a read-model table', () => {
    const offending = [...sources(join(root, 'apps')), ...sources(join(root, 'libs/assessment/src'))].flatMap((file) => {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      return readModelTables.filter((t) => mentions(code, t)).map((table) => ({ file: relative(root, file), table }));
    });
    expect(readModelTables).toEqual(expect.arrayContaining(['sheet_summary', 'indicator_reports', 'event_feed', 'roadmap_versions']));
    expect(offending).toEqual([]);
  });
});
