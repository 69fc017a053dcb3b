import { parseDated } from '#domain';

/** A calendar day moved by `days` (UTC arithmetic on the date only). */
export function addDays(day: string, days: number): string {
  const d = new Date(0);
  // setUTCFullYear, not Date.UTC: the latter reads years below 100 as 19xx.
  d.setUTCFullYear(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)) + days);
  // Years below 1000 keep four digits, like every calendar day in the tracker.
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** The first and last day a due date can mean; an open end reaches as far as the calendar goes. */
export const periodBounds = (label: string): { start: string; end: string } => {
  const dated = parseDated(label);
  return { start: dated.start ?? '0000-01-01', end: dated.end ?? '9999-12-31' };
};
