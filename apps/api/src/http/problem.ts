/** Error bodies: one shape for every refusal, so that clients handle them in one place. */
export interface Problem {
  statusCode: number;
  error: string;
  message: string;
  /** Offending fields for validation errors. */
  fields?: Array<{ field: string; messages: string[] }>;
  details?: Record<string, unknown>;
}
