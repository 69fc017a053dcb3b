import { HttpException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { invalid } from '#domain';

export interface UploadedFile {
  bytes: Buffer;
  filename: string | null;
}

const UPLOAD = Symbol('scoran:upload');

/**
 * The one file of a multipart request, field `file`; its size is capped by the multipart limits set
 * in bootstrap. Read once per request: the idempotency hook reads it before the handler (to tell two
 * files apart under one key) and the handler gets the same bytes, or the same refusal.
 */
export function uploadedFile(req: FastifyRequest): Promise<UploadedFile> {
  const held = req as unknown as Record<symbol, Promise<UploadedFile> | undefined>;
  return (held[UPLOAD] ??= readUpload(req));
}

/** What makes two uploads the same for an Idempotency-Key: the field, the file's name and its bytes (not the multipart framing). */
export const uploadFingerprint = ({ bytes, filename }: UploadedFile) => ({ file: { filename, sha256: createHash('sha256').update(bytes).digest('hex') } });

async function readUpload(req: FastifyRequest): Promise<UploadedFile> {
  if (!req.isMultipart()) {
    throw new HttpException({ statusCode: 415, error: 'unsupported_media_type', message: 'send the file as multipart/form-data, in a field named "file"' }, 415);
  }
  let part: Awaited<ReturnType<FastifyRequest['file']>>;
  let bytes: Buffer;
  try {
    part = await req.file();
    if (!part) throw invalid('missing_file', 'the request holds no file: send it in a field named "file"', { field: 'file' });
    if (part.fieldname !== 'file') throw invalid('missing_file', `the file must be sent in a field named "file", not "${part.fieldname}"`, { field: 'file' });
    // The request is the file and nothing else (the options are in the query string): a field sent
    // besides it is refused, not ignored, as the description says (no other property).
    const others = Object.keys(part.fields).filter((name) => name !== 'file');
    if (others.length > 0) throw invalid('unexpected_field', `the request holds only the file, in a field named "file"; not ${others.map((n) => `"${n}"`).join(', ')}`, { field: others[0]! });
    bytes = await part.toBuffer();
  } catch (error) {
    // More fields or parts than the file alone: the same refusal as one unexpected field.
    const code = (error as { code?: string }).code;
    if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT') {
      throw invalid('unexpected_field', 'the request holds only the file, in a field named "file"', { field: 'file' });
    }
    // The multipart plugin's own refusals (a file over the limit: 413) keep their status; a body the
    // parser cannot read as multipart at all is the client's error, not the server's.
    if (error instanceof HttpException || (error as { statusCode?: number }).statusCode || (error as { kind?: string }).kind) throw error;
    throw invalid('malformed_multipart', `the multipart body cannot be read: ${error instanceof Error ? error.message : String(error)}`, { field: 'file' });
  }
  return { bytes, filename: part.filename ? part.filename.replace(/[\r\n]/g, ' ').slice(0, 200) : null };
}
