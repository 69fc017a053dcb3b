import { afterEach, describe, expect, it } from '@jest/globals';
import type { Worker } from 'node:worker_threads';
import { renderBinaryHere, type BinaryAssessmentFormat } from './assessment-binary.renderer.js';
import { AssessmentDocumentThread } from './assessment-document.thread.js';
import { renderAssessmentDocument } from './assessment-document.renderer.js';
import { buildAssessment } from './assessment-generator.js';
import type { AssessmentInput, SheetInput } from './assessment.model.js';

// The thread runs the compiled worker (dist/libs/assessment/src/assessment-document.worker.js), as the
// projection worker's specs do: a real worker thread, the real renderers and libraries in it.

const sheet = (over: Partial<SheetInput>): SheetInput => ({
  sheetId: 's', number: '1', title: 'Fiche', enjeu: 'avenir', pilots: ['region'],
  outcome: { version: 'V4', outcome: 'active', reason: null, explanation: null, on: null, nextVersion: null, mergedInto: null },
  nextNumber: null, milestones: [], indicators: [], ...over,
});

const input: AssessmentInput = {
  roadmap: { roadmapId: 'r', title: 'Feuille de route', enjeux: [{ enjeuId: 'avenir', number: 4, title: 'Avenir' }, { enjeuId: 'inclusion', number: 2, title: 'Inclusion' }] },
  version: 'V4',
  versions: [{ version: 'V4', status: 'adopted', adoptedOn: '2023-06-26' }],
  until: null,
  sheets: [
    sheet({
      sheetId: 'fibre', number: '2.1', enjeu: 'inclusion', title: 'Infrastructures « fibre »',
      milestones: [{ milestoneId: 'a', title: 'Prises construites', due: '2023', reachedOn: '2023-11-30', reached: '2023-11', rescheduled: 0 }],
      indicators: [{ indicatorId: 'part', name: 'Part des prises', unit: 'percent', targets: [{ value: 100, qualifier: 'exact', by: '2025-12-31', due: '2025', territory: '18', zone: null, label: null }], reportCount: 1, series: [{ zone: null, last: { observedOn: '2024-12-31', observed: '2024', value: 92, qualifier: 'about' }, previous: null }] }],
    }),
    sheet({ sheetId: 'gone', number: '4.1', outcome: { version: 'V4', outcome: 'abandoned', reason: 'insufficient_partners', explanation: 'peu de partenaires', on: '2024-03-01', nextVersion: null, mergedInto: null } }),
  ],
};
const assessment = buildAssessment(input);
const FORMATS: BinaryAssessmentFormat[] = ['odt', 'docx', 'pdf'];

const threads: AssessmentDocumentThread[] = [];
const thread = (idleMs: number) => {
  const t = new AssessmentDocumentThread({ idleMs });
  threads.push(t);
  return t;
};
afterEach(async () => { await Promise.all(threads.splice(0).map((t) => t.close())); });

const until = async (what: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; !what(); await new Promise((r) => setTimeout(r, 10))) if (Date.now() > end) throw new Error('timed out');
};

describe('AssessmentDocumentThread (a real worker thread)', () => {
  it('gives, for each file format, the bytes this thread gives, and through renderAssessmentDocument the same files', async () => {
    const t = thread(60_000);
    for (const format of FORMATS) {
      const there = await t.render(assessment, format);
      const here = await renderBinaryHere(assessment, format);
      expect(there.byteLength).toBeGreaterThan(1000);
      expect(Buffer.from(there).equals(Buffer.from(here))).toBe(true);
      const doc = await renderAssessmentDocument(assessment, format, t.render);
      expect(doc.body.equals(Buffer.from(here))).toBe(true);
    }
    expect(t.started).toBe(1);
  });

  it('runs jobs sent together on one thread, each answered with its own file', async () => {
    const t = thread(60_000);
    const files = await Promise.all([t.render(assessment, 'pdf'), t.render(assessment, 'odt'), t.render(assessment, 'docx'), t.render(assessment, 'pdf')]);
    expect(t.started).toBe(1);
    expect(Buffer.from(files[0]!.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(files[1]![0]).toBe(0x50); // PK: a ZIP (ODF)
    expect(files[2]![0]).toBe(0x50); // PK: a ZIP (OOXML)
    expect(Buffer.from(files[3]!).equals(Buffer.from(files[0]!))).toBe(true);
  });

  it('ends the thread idleMs after the last job, and starts a new one for the next', async () => {
    const t = thread(150);
    await t.render(assessment, 'odt');
    expect(t.running).toBe(true);
    await until(() => !t.running);
    const again = await t.render(assessment, 'odt');
    expect(again.byteLength).toBeGreaterThan(1000);
    expect(t.started).toBe(2);
  });

  it('keeps the thread while a job runs, however short idleMs is', async () => {
    const t = thread(0);
    const jobs = [t.render(assessment, 'pdf'), t.render(assessment, 'docx')];
    await expect(Promise.all(jobs)).resolves.toHaveLength(2);
    expect(t.started).toBe(1);
    await until(() => !t.running);
  });

  it('refuses a job the renderer fails on with the worker\'s error, and goes on with the next', async () => {
    const t = thread(60_000);
    const broken = { ...assessment, enjeux: null } as unknown as typeof assessment;
    await expect(t.render(broken, 'pdf')).rejects.toThrow(/rendering the assessment failed on its thread: TypeError/);
    const file = await t.render(assessment, 'pdf');
    expect(Buffer.from(file.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(t.started).toBe(1);
  });

  it('refuses the jobs of a thread that died, and starts another for the next job', async () => {
    const t = thread(60_000);
    await t.render(assessment, 'odt');
    const refused = expect(t.render(assessment, 'pdf')).rejects.toThrow(/exited with code/);
    await (t as unknown as { worker: Worker }).worker.terminate();
    await refused;
    expect(t.running).toBe(false);
    expect((await t.render(assessment, 'odt')).byteLength).toBeGreaterThan(1000);
    expect(t.started).toBe(2);
  });

  it('once closed, refuses what it held and what comes after', async () => {
    const t = thread(60_000);
    const refused = expect(t.render(assessment, 'pdf')).rejects.toThrow(/closed/);
    await t.close();
    await refused;
    await expect(t.render(assessment, 'odt')).rejects.toThrow(/closed/);
    expect(t.running).toBe(false);
  });
});
