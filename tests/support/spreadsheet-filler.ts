import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TemplateEdits {
  cells?: Array<{ ref: string; value: string | number; as?: 'number' | 'text' | 'date' | 'formula' }>;
  merge?: string[];
  hide?: number[];
  columns?: Record<string, string>;
  copyRows?: Array<[number, number]>;
}

const SCRIPT = join(process.cwd(), 'tests/support/fill_template.py');

/** Fills a template with Python's openpyxl (an independent writer); fails, saying why, when openpyxl is missing. */
export function fillTemplate(template: Buffer, edits: TemplateEdits): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'scoran-fill-'));
  try {
    writeFileSync(join(dir, 'in.xlsx'), template);
    writeFileSync(join(dir, 'edits.json'), JSON.stringify(edits));
    const run = spawnSync('python3', [SCRIPT, join(dir, 'in.xlsx'), join(dir, 'out.xlsx'), join(dir, 'edits.json')], { encoding: 'utf8' });
    if (run.error) throw new Error(`python3 could not be run (${run.error.message}): the reporting e2e test needs python3 with openpyxl`);
    if (run.status === 3) throw new Error(`openpyxl is missing: ${run.stderr.trim()}`);
    if (run.status !== 0) throw new Error(`fill_template.py failed (${run.status}): ${run.stderr}`);
    return readFileSync(join(dir, 'out.xlsx'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
