import type { Assessment } from './assessment.model.js';
import { renderAssessment } from './assessment-renderers.js';
import { renderBinaryHere, type BinaryAssessmentRenderer } from './assessment-binary.renderer.js';
import { DOCX_MEDIA_TYPE } from './assessment-docx.renderer.js';
import type { AssessmentDocumentInput } from './assessment-layout.renderer.js';
import { ODT_MEDIA_TYPE } from './assessment-odt.renderer.js';
import { PDF_MEDIA_TYPE } from './assessment-pdf.renderer.js';

export type AssessmentDocumentFormat = 'json' | 'md' | 'html' | 'odt' | 'docx' | 'pdf';
export const ASSESSMENT_DOCUMENT_FORMATS: readonly AssessmentDocumentFormat[] = ['json', 'md', 'html', 'odt', 'docx', 'pdf'];

/** Media type of each format, as sent in Content-Type and matched against Accept. */
export const ASSESSMENT_MEDIA_TYPES: Readonly<Record<AssessmentDocumentFormat, string>> = {
  json: 'application/json', md: 'text/markdown', html: 'text/html', odt: ODT_MEDIA_TYPE, docx: DOCX_MEDIA_TYPE, pdf: PDF_MEDIA_TYPE,
};

export interface RenderedAssessment {
  body: Buffer;
  /** With a charset for the text formats. */
  contentType: string;
  /** e.g. bilan-scoran-centre-val-de-loire-V4.pdf; ASCII only, so that it needs no encoding in a header. */
  filename: string;
}

const isText = (f: AssessmentDocumentFormat): f is 'json' | 'md' | 'html' => f === 'json' || f === 'md' || f === 'html';

export function assessmentFilename(a: Pick<Assessment, 'roadmapId' | 'version' | 'period'>, format: AssessmentDocumentFormat): string {
  const until = a.period.endsWith === 'until' && a.period.end ? `-au-${a.period.end}` : '';
  return `bilan-${a.roadmapId}-${a.version}${until}.${format}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * The assessment in any of its formats, as bytes: the same assessment always gives the same bytes.
 * The file formats go to `binary`: this thread by default; the API passes its documents' thread
 * (AssessmentDocumentThread), so that the libraries they load do not stay in the request thread's heap.
 */
export async function renderAssessmentDocument(a: AssessmentDocumentInput, format: AssessmentDocumentFormat, binary: BinaryAssessmentRenderer = renderBinaryHere): Promise<RenderedAssessment> {
  const filename = assessmentFilename(a, format);
  if (isText(format)) return { body: Buffer.from(renderAssessment(a, format), 'utf8'), contentType: `${ASSESSMENT_MEDIA_TYPES[format]}; charset=utf-8`, filename };
  const bytes = await binary(a, format);
  return { body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), contentType: ASSESSMENT_MEDIA_TYPES[format], filename };
}

/**
 * The format asked for: `?format=` wins; otherwise the media type of Accept with the highest q that
 * the assessment has (`text/markdown` and `application/json` included), JSON for a wildcard, no
 * Accept, or one that names nothing known (the assessment is served rather than refused).
 * Returns null for a `format` that is not one of ours.
 */
export function negotiateAssessmentFormat(format: string | undefined, accept: string | undefined): AssessmentDocumentFormat | null {
  if (format !== undefined) return (ASSESSMENT_DOCUMENT_FORMATS as readonly string[]).includes(format) ? format as AssessmentDocumentFormat : null;
  const byType = new Map(ASSESSMENT_DOCUMENT_FORMATS.map((f) => [ASSESSMENT_MEDIA_TYPES[f], f]));
  let best: { format: AssessmentDocumentFormat; q: number } | null = null;
  for (const range of (accept ?? '').split(',')) {
    const [type, ...params] = range.trim().toLowerCase().split(';').map((p) => p.trim());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    const known = type ? byType.get(type) : undefined;
    // Equal q: the first listed wins, as the client wrote them in its order of preference.
    if (known && Number.isFinite(q) && q > 0 && (best === null || q > best.q)) best = { format: known, q };
  }
  return best?.format ?? 'json';
}
