import { unzipSync, strFromU8 } from 'fflate';
import { renderAssessmentDocument, type AssessmentDocumentFormat } from './assessment-document.renderer.js';
import { buildAssessment } from './assessment-generator.js';
import { readAssessmentStamp, renderAssessment, type AssessmentFormat, type AssessmentStamp } from './assessment-renderers.js';
import type { Assessment } from './assessment.model.js';
import { loadAssessmentInputAt, type AssessmentLog, type AssessmentSources } from './read-model-source.js';

/** The outcome of checking an assessment file against the log. */
export interface AssessmentVerification {
  ok: boolean;
  format: AssessmentDocumentFormat | null;
  stamp: AssessmentStamp | null;
  /** What differs, in words; empty when ok. */
  problems: string[];
  /** What could not be checked, in words (a file made before the chain reached its position). */
  notes: string[];
}

/** The format of an assessment file and where it says it came from, read from its text. */
export function readAssessmentFile(text: string): { format: AssessmentFormat; stamp: AssessmentStamp | null } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    let a: Partial<Assessment>;
    try { a = JSON.parse(text) as Partial<Assessment>; } catch { return { format: 'json', stamp: null }; }
    const stamp = a.source && a.roadmapId && a.version && a.period
      ? { roadmapId: a.roadmapId, version: a.version, until: a.period.endsWith === 'until' ? a.period.end : null, ...a.source }
      : null;
    return { format: 'json', stamp };
  }
  return { format: trimmed.startsWith('<') ? 'html' : 'md', stamp: readAssessmentStamp(text) };
}

const unxml = (text: string) => text.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const DESCRIPTION = /<dc:description>([^<]*)<\/dc:description>/;
// PDFKit writes an ASCII info string as a literal, with backslashes before parentheses and backslashes.
const PDF_KEYWORDS = /\((\{"roadmapId":(?:[^()\\]|\\.)*\})\)/;

/** The format of an assessment file (text or office document) and its stamp, read from its bytes. */
export function readAssessmentBytes(bytes: Uint8Array): { format: AssessmentDocumentFormat; stamp: AssessmentStamp | null } {
  const head = strFromU8(bytes.subarray(0, 4), true);
  const parse = (json: string | undefined) => { try { return json ? (JSON.parse(json) as AssessmentStamp) : null; } catch { return null; } };
  if (head.startsWith('PK')) {
    let entries: Record<string, Uint8Array>;
    try { entries = unzipSync(bytes); } catch { return { format: 'odt', stamp: null }; }
    const meta = entries['meta.xml'] ?? entries['docProps/core.xml'];
    const format = entries['meta.xml'] ? 'odt' : 'docx';
    const m = meta ? DESCRIPTION.exec(strFromU8(meta)) : null;
    return { format, stamp: parse(m ? unxml(m[1]!) : undefined) };
  }
  if (head === '%PDF') {
    const m = PDF_KEYWORDS.exec(Buffer.from(bytes).toString('latin1'));
    return { format: 'pdf', stamp: parse(m ? m[1]!.replace(/\\(.)/g, '$1') : undefined) };
  }
  return readAssessmentFile(strFromU8(bytes));
}

/** The first differing line of two texts, for the report. */
function firstDifference(expected: string, actual: string): string {
  const e = expected.split('\n');
  const a = actual.split('\n');
  for (let k = 0; k < Math.max(e.length, a.length); k++) {
    if (e[k] !== a[k]) return `line ${k + 1}: the log gives ${JSON.stringify(e[k] ?? '')}, the file says ${JSON.stringify(a[k] ?? '')}`;
  }
  return 'the files differ';
}

/**
 * Checks an assessment file (JSON, Markdown, HTML, ODT, DOCX or PDF) against the log: the hash chain's
 * link at the position the file names must be the one it records, and the assessment built again as
 * known at its instant must render to the same bytes. Events recorded since do not change that answer.
 */
export async function verifyAssessmentFile(sources: AssessmentSources & { log: AssessmentLog }, file: Uint8Array): Promise<AssessmentVerification> {
  const { format, stamp } = readAssessmentBytes(file);
  if (!stamp) return { ok: false, format, stamp, problems: ['the file names no log position (no source, or not an assessment built from the log)'], notes: [] };
  const problems: string[] = [];
  const notes: string[] = [];
  const link = await sources.log.chainHashAt(stamp.position);
  // The chain follows the log a moment behind: a file made in between records no link, and then only its content is checked.
  if (stamp.chainHead === null) notes.push(`the hash chain had not reached position ${stamp.position} when the file was made${link ? `; it now has ${link}` : ''}`);
  else if (link !== stamp.chainHead) problems.push(`hash chain at position ${stamp.position}: the log has ${link ?? 'no link'}, the file records ${stamp.chainHead}`);
  const again = buildAssessment(await loadAssessmentInputAt(sources, stamp.roadmapId, stamp.version, stamp.until, stamp.knownAt));
  if (again.source!.position !== stamp.position) problems.push(`as known at ${stamp.knownAt} the log ends at position ${again.source!.position}, the file says ${stamp.position}`);
  if (format === 'json' || format === 'md' || format === 'html') {
    const text = strFromU8(file);
    const expected = renderAssessment(again, format);
    if (expected !== text) problems.push(`content: ${firstDifference(expected, text)}`);
  } else {
    const expected = (await renderAssessmentDocument(again, format)).body;
    if (!expected.equals(Buffer.from(file))) problems.push(`content: the ${format} the log gives (${expected.length} bytes) is not this file (${file.length} bytes)`);
  }
  return { ok: problems.length === 0, format, stamp, problems, notes };
}
