import { invalid } from '../shared/domain-error.js';

/** A roadmap version label: `V` and its number, one to three digits (`V1` … `V999`). */
export const VERSION_LABEL = /^V\d{1,3}$/;

export const isVersionLabel = (value: unknown): value is string => typeof value === 'string' && VERSION_LABEL.test(value);

/** The label's number (`V10` → 10); NaN when `label` is not a version label. */
export const versionNumber = (label: string): number => (isVersionLabel(label) ? Number(label.slice(1)) : Number.NaN);

/** Checks a label given in a command or a query; `example` is what the message shows (the next version reads better as V5). */
export function parseVersionLabel(value: unknown, field = 'version', example = 'V4'): string {
  if (!isVersionLabel(value)) throw invalid('invalid_version', `${field} must look like ${example}`, { field });
  return value;
}

/**
 * Versions in the order of their number: V9 before V10, which comparing the labels as text gets
 * wrong. Anything that is not a label comes after every label, in text order, so that a sort never
 * throws on a bad row.
 */
export function compareVersionLabels(a: string, b: string): number {
  const na = versionNumber(a);
  const nb = versionNumber(b);
  if (Number.isNaN(na) || Number.isNaN(nb)) return Number.isNaN(na) === Number.isNaN(nb) ? (a < b ? -1 : a > b ? 1 : 0) : Number.isNaN(na) ? 1 : -1;
  return na - nb;
}

/** Whether `a` comes after `b` in the roadmap's order. */
export const isLaterVersion = (a: string, b: string): boolean => compareVersionLabels(a, b) > 0;
