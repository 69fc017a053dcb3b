import { renderDocx } from './assessment-docx.renderer.js';
import type { AssessmentDocumentInput } from './assessment-layout.renderer.js';
import { renderOdt } from './assessment-odt.renderer.js';
import { renderPdf } from './assessment-pdf.renderer.js';

/** The assessment's formats that are files rather than text: rendered by a library, on this thread or on the documents' thread. */
export type BinaryAssessmentFormat = 'odt' | 'docx' | 'pdf';

/** Renders the assessment as one of its file formats; the same assessment gives the same bytes wherever it runs. */
export type BinaryAssessmentRenderer = (a: AssessmentDocumentInput, format: BinaryAssessmentFormat) => Promise<Uint8Array>;

/** On the calling thread (the command line, the tests, and the documents' thread itself). */
export const renderBinaryHere: BinaryAssessmentRenderer = async (a, format) =>
  format === 'odt' ? renderOdt(a) : format === 'docx' ? renderDocx(a) : renderPdf(a);
