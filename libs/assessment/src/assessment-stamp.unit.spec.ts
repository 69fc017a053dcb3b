import { describe, expect, it } from '@jest/globals';
import { strFromU8, unzipSync } from 'fflate';
import { buildAssessment } from './assessment-generator.js';
import { readAssessmentStamp, renderAssessment } from './assessment-renderers.js';
import type { AssessmentInput } from './assessment.model.js';
import { renderAssessmentDocument } from './assessment-document.renderer.js';
import { readAssessmentBytes, readAssessmentFile } from './assessment-verification.js';

const source = { knownAt: '2024-01-31T12:00:00.000Z', position: 208, chainHead: 'ab'.repeat(32) };
const input: AssessmentInput = {
  roadmap: { roadmapId: 'r', title: 'Feuille de route', enjeux: [{ enjeuId: 'avenir', number: 4, title: 'Avenir' }] },
  version: 'V3', versions: [{ version: 'V3', status: 'adopted', adoptedOn: '2019-03' }], until: '2023-12-31', sheets: [], source,
};
const stamp = { roadmapId: 'r', version: 'V3', until: '2023-12-31', ...source };

describe('the stamp of an assessment built from the log', () => {
  it('is carried into the model, and left out when the inputs name no log position', () => {
    expect(buildAssessment(input).source).toEqual(source);
    const { source: _, ...without } = input;
    expect('source' in buildAssessment(without)).toBe(false);
    expect(renderAssessment(buildAssessment(without), 'md')).not.toContain('Établi d’après le journal');
  });

  it('is read back from the JSON, Markdown and HTML renderings', () => {
    const a = buildAssessment(input);
    expect(readAssessmentFile(renderAssessment(a, 'json'))).toEqual({ format: 'json', stamp });
    for (const format of ['md', 'html'] as const) {
      const text = renderAssessment(a, format);
      expect(text).toContain(`position 208, chaîne ${source.chainHead}`);
      expect(readAssessmentFile(text)).toEqual({ format, stamp });
    }
    expect(readAssessmentStamp('# Bilan sans colophon')).toBeNull();
  });

  it('closes the office documents with the colophon and puts the stamp in their metadata', async () => {
    const a = buildAssessment(input);
    const odt = unzipSync((await renderAssessmentDocument(a, 'odt')).body);
    expect(strFromU8(odt['content.xml']!)).toContain('position 208');
    expect(strFromU8(odt['meta.xml']!)).toContain(`<dc:description>${JSON.stringify(stamp).replace(/"/g, '&quot;')}</dc:description>`);
    const docx = unzipSync((await renderAssessmentDocument(a, 'docx')).body);
    expect(strFromU8(docx['docProps/core.xml']!)).toContain('&quot;position&quot;:208');
  });

  it('is read back from the ODT, DOCX and PDF documents', async () => {
    const a = buildAssessment(input);
    for (const format of ['odt', 'docx', 'pdf'] as const) {
      expect(readAssessmentBytes((await renderAssessmentDocument(a, format)).body)).toEqual({ format, stamp });
    }
    expect(readAssessmentBytes(Buffer.from(renderAssessment(a, 'md')))).toEqual({ format: 'md', stamp });
  });
});
