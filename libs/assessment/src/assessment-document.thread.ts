import { Worker } from 'node:worker_threads';
import { youngGenerationLimits } from '#projections';
import type { BinaryAssessmentFormat, BinaryAssessmentRenderer } from './assessment-binary.renderer.js';
import type { DocumentAnswer, DocumentJob } from './assessment-document.worker.js';
import type { AssessmentDocumentInput } from './assessment-layout.renderer.js';

/**
 * The worker script: next to this module once compiled (and next to the API's bundle); from the
 * TypeScript sources (the tests), the compiled one in the repository's dist/.
 */
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('../../../dist/libs/assessment/src/assessment-document.worker.js', import.meta.url)
  : new URL('./assessment-document.worker.js', import.meta.url);

/** The documents' thread's young generation, in MB: a rendering's short-lived objects. */
const DOCUMENT_THREAD_YOUNG_GENERATION_MB = 8;

export interface AssessmentDocumentThreadOptions {
  /** How long the thread is kept after its last job, in ms, for the next one to find the libraries loaded. */
  idleMs: number;
}

/**
 * Renders the assessment's file formats (odt, docx, pdf) on a worker thread of their own, started on
 * the first job and ended `idleMs` after the last. The libraries these formats need (docx, PDFKit and
 * its fonts) take ~20 MB of a heap once loaded, and a module, once loaded, is never unloaded: on the
 * request thread they stayed for the process's lifetime after one download. On this thread they go
 * with it. The rendering's CPU is off the request thread too, and the thread runs the same functions
 * as the command line (renderBinaryHere): the same assessment gives the same bytes. The API on the
 * bench's data, after the six formats: RssAnon 88 MB with the libraries on the request thread, 74 MB
 * once the thread has ended (104 MB while it lives).
 *
 * Jobs run one at a time, in their order. A job that fails is refused with the worker's error and
 * the thread goes on; a thread that dies (an error outside a job, or its exit) refuses the jobs it
 * held, and the next job starts a new one.
 */
export class AssessmentDocumentThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve(bytes: Uint8Array): void; reject(error: Error): void }>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Threads started so far (read by the tests). */
  started = 0;

  constructor(private readonly options: AssessmentDocumentThreadOptions) {}

  /** Whether a worker is running now. */
  get running(): boolean {
    return this.worker !== null;
  }

  readonly render: BinaryAssessmentRenderer = (input: AssessmentDocumentInput, format: BinaryAssessmentFormat) => {
    if (this.closed) return Promise.reject(new Error('the assessment documents\' thread is closed'));
    const worker = this.worker ?? this.start();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const id = this.nextId++;
    const answer = new Promise<Uint8Array>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    worker.ref();
    worker.postMessage({ id, input, format } satisfies DocumentJob);
    return answer;
  };

  /** Ends the thread; the jobs it still holds are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop(new Error('the assessment documents\' thread was closed'));
  }

  private start(): Worker {
    const worker = new Worker(WORKER_URL, { resourceLimits: youngGenerationLimits(DOCUMENT_THREAD_YOUNG_GENERATION_MB) });
    this.worker = worker;
    this.started++;
    worker.on('message', (answer: DocumentAnswer) => {
      const job = this.pending.get(answer.id);
      if (!job) return;
      this.pending.delete(answer.id);
      if ('error' in answer) job.reject(new Error(`rendering the assessment failed on its thread: ${answer.error}`));
      else job.resolve(answer.bytes);
      if (this.pending.size === 0 && this.worker === worker) this.idle(worker);
    });
    worker.on('error', (error) => { if (this.worker === worker) void this.stop(error); });
    worker.on('exit', (code) => { if (this.worker === worker) void this.stop(new Error(`the assessment documents' thread exited with code ${code}`)); });
    return worker;
  }

  /** No job left: the thread no longer keeps the process alive, and ends unless a job comes within `idleMs`. */
  private idle(worker: Worker): void {
    worker.unref();
    // A job (render) or an end (stop) clears this timer: when it fires, the thread is idle.
    this.idleTimer = setTimeout(() => void this.stop(null), this.options.idleMs);
    this.idleTimer.unref();
  }

  private async stop(reason: Error | null): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const job of jobs) job.reject(reason ?? new Error('the assessment documents\' thread ended'));
    if (worker) await worker.terminate();
  }
}
