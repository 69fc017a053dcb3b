import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = process.cwd();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Every .ts file under `dir`, specs included. */
function allTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return allTs(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

/** The top folder of a repository-relative path: `apps/api`, `libs/domain`. */
const unit = (path: string) => path.split('/').slice(0, 2).join('/');

/** `file`'s lines matching `pattern`, as `path:line: text`. */
function matching(file: string, pattern: RegExp): string[] {
  return readFileSync(file, 'utf8').split('\n').flatMap((line, i) => (pattern.test(line) ? [`${relative(root, file)}:${i + 1}: ${line.trim()}`] : []));
}

/** The tables and views the projections create: the read models' own names, which only their library should spell. */
function readModelTables(): string[] {
  const names = sources(join(root, 'libs/projections/src')).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/CREATE (?:TABLE|VIEW) (?:IF NOT EXISTS )?(\w+)/g)].map((m) => m[1]!));
  return [...new Set(names)].sort();
}

/** Where an import lands: a package name, or the repository-relative folder of a local file. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return relative(root, resolve(dirname(file), spec));
}

describe('layer boundaries', () => {
  it('the domain is pure: it imports only itself (no Nest, no I/O, no other library)', () => {
    const offending = sources(join(root, 'libs/domain/src')).flatMap((file) =>
      imports(file).map((spec) => ({ file: relative(root, file), to: target(file, spec) })).filter(({ to }) => !to.startsWith('libs/domain/')),
    );
    expect(offending).toEqual([]);
  });

  it('libraries never import applications', () => {
    const offending = sources(join(root, 'libs')).flatMap((file) =>
      imports(file).map((spec) => ({ file: relative(root, file), to: target(file, spec) })).filter(({ to }) => to.startsWith('apps/')),
    );
    expect(offending).toEqual([]);
  });

  it('the event store, projections and application layers do not depend on Nest', () => {
    const offending = ['libs/event-store/src', 'libs/projections/src', 'libs/application/src'].flatMap((dir) =>
      sources(join(root, dir)).flatMap((file) => imports(file).filter((spec) => spec.startsWith('@nestjs/')).map((to) => ({ file: relative(root, file), to }))),
    );
    expect(offending).toEqual([]);
  });

  it('no application imports another application', () => {
    const offending = sources(join(root, 'apps')).flatMap((file) =>
      imports(file).map((spec) => ({ file: relative(root, file), to: target(file, spec) }))
        .filter(({ file, to }) => to.startsWith('apps/') && unit(to) !== unit(file)),
    );
    expect(offending).toEqual([]);
  });

  it('libraries are imported by name (#domain), never by a relative path climbing into libs/', () => {
    const offending = [...sources(join(root, 'apps')), ...sources(join(root, 'libs'))].flatMap((file) =>
      imports(file).map((spec) => ({ file: relative(root, file), spec, to: target(file, spec) }))
        .filter(({ file, spec, to }) => spec.startsWith('.') && to.startsWith('libs/') && unit(to) !== unit(file)),
    );
    expect(offending).toEqual([]);
  });

  it('better-sqlite3 is imported only by the libraries that own a SQLite file', () => {
    // The event log, the read models, and the side stores (tokens, idempotency keys, snapshots, the hash chain,
    // the relay's checkpoints); the tracker opens the read-model db. Anywhere else, a new import fails here.
    const owners = ['libs/event-store/', 'libs/projections/', 'libs/auth/', 'libs/idempotency/', 'libs/application/src/snapshot-store.ts', 'libs/audit/', 'libs/messaging/', 'libs/tracker/'];
    const offending = [...sources(join(root, 'apps')), ...sources(join(root, 'libs'))].flatMap((file) =>
      imports(file).filter((spec) => spec === 'better-sqlite3').map((to) => ({ file: relative(root, file), to })),
    ).filter(({ file }) => !owners.some((owner) => file.startsWith(owner)));
    expect(offending).toEqual([]);
  });

  it('neither the applications nor the assessment name a read-model table: they ask the read models\' queries', () => {
    const tables = readModelTables();
    expect(tables).toEqual(expect.arrayContaining(['sheet_summary', 'indicator_reports', 'sheet_snapshots', 'sheet_timeline_exceptions', 'event_feed', 'sheet_versions', 'roadmap_versions', 'enjeu_rollup']));
    // A name with an underscore is a table wherever it appears; a plain word (`roadmaps`) only after SQL that names a table.
    const pattern = new RegExp(tables.map((t) => (t.includes('_') ? `\\b${t}\\b` : `\\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\\s+${t}\\b`)).join('|'), 'i');
    const offending = [...sources(join(root, 'apps')), ...sources(join(root, 'libs/assessment/src'))].flatMap((file) => matching(file, pattern));
    expect(offending).toEqual([]);
  });

  it('no application declares a handler parameter as `req: any`', () => {
    const offending = sources(join(root, 'apps')).flatMap((file) => matching(file, /\breq\s*:\s*any\b/));
    expect(offending).toEqual([]);
  });

  it('what a version label looks like (V4) is said once, in the domain', () => {
    const offending = [...sources(join(root, 'apps')), ...sources(join(root, 'libs'))]
      .filter((file) => !relative(root, file).startsWith('libs/domain/'))
      .flatMap((file) => matching(file, /V\\d\{1,3\}/));
    expect(offending).toEqual([]);
  });
});

describe('test layout', () => {
  it('every spec names its Jest project: .unit (no I/O), .int (files, SQLite, a broker) or .e2e (a real HTTP server)', () => {
    const offending = ['apps', 'libs', 'tests'].flatMap((dir) => allTs(join(root, dir)))
      .filter((file) => file.endsWith('.spec.ts') && !/\.(unit|int|e2e)\.spec\.ts$/.test(file))
      .map((file) => relative(root, file));
    expect(offending).toEqual([]);
  });

  it('test helpers live in tests/support/ (and the benchmark in tests/bench/), nowhere else', () => {
    const helpers = [...allTs(join(root, 'apps')), ...allTs(join(root, 'libs'))].filter((file) => /spec-helper|\.fixture\.ts$/.test(file));
    const elsewhere = allTs(join(root, 'tests')).filter((file) => !file.endsWith('.spec.ts'))
      .filter((file) => !['tests/support/', 'tests/bench/'].some((dir) => relative(root, file).startsWith(dir)));
    expect([...helpers, ...elsewhere].map((file) => relative(root, file))).toEqual([]);
    expect(allTs(join(root, 'tests/support')).length).toBeGreaterThan(0);
  });
});
