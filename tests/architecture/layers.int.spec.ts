import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = process.cwd();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.includes('spec-helper') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
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
});
