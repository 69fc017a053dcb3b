import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SEED_DIR } from '#seed';

let names: Map<string, string> | null = null;

/**
 * Display names of pilot and partner organisations. Events carry stable ids only; the names come
 * from the roadmap's reference file. An id without a name is shown as words.
 */
export function organisationName(id: string): string {
  return referenceNames().get(id) ?? id.replace(/-/g, ' ');
}

/** True when the roadmap's reference file names this organisation. */
export const isReferenceOrganisation = (id: string): boolean => referenceNames().has(id);

function referenceNames(): Map<string, string> {
  if (!names) {
    names = new Map();
    const file = join(DEFAULT_SEED_DIR, 'roadmap.json');
    if (existsSync(file)) {
      try {
        const roadmap = JSON.parse(readFileSync(file, 'utf8')) as { organisations?: Array<{ organisationId: string; name: string }> };
        for (const o of roadmap.organisations ?? []) names.set(o.organisationId, o.name);
      } catch {
        // A broken reference file only costs the display names.
      }
    }
  }
  return names;
}
