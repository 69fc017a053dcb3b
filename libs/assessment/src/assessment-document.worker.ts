import { isMainThread, parentPort } from 'node:worker_threads';
import { renderBinaryHere, type BinaryAssessmentFormat } from './assessment-binary.renderer.js';
import type { AssessmentDocumentInput } from './assessment-layout.renderer.js';

/** A job of the documents' thread (AssessmentDocumentThread), and its answer. */
export interface DocumentJob { id: number; input: AssessmentDocumentInput; format: BinaryAssessmentFormat }
export type DocumentAnswer = { id: number; bytes: Uint8Array } | { id: number; error: string };

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (job: DocumentJob) => {
    renderBinaryHere(job.input, job.format).then(
      (bytes) => port.postMessage({ id: job.id, bytes } satisfies DocumentAnswer),
      (error: unknown) => port.postMessage({ id: job.id, error: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies DocumentAnswer),
    );
  });
}
