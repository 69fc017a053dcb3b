import type { DueItem } from './due.js';

/**
 * A minimal iCalendar (RFC 5545) writer for all-day events: CRLF line ends (3.1), lines folded at
 * 75 octets without splitting a UTF-8 character (3.1), TEXT values escaped (3.3.11).
 */
export interface CalendarEvent {
  uid: string;
  /** An all-day event on this calendar day (YYYY-MM-DD). */
  day: string;
  summary: string;
  description?: string;
}

export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line: no line longer than 75 octets, continuations start with one space. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    // The first line holds 75 octets; a continuation 74 after its leading space.
    if (octets + size > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const basicDate = (day: string) => day.replace(/-/g, '');
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const utcStamp = (at: Date) => at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export function writeCalendar(events: readonly CalendarEvent[], options: { name: string; stamp: Date; prodId?: string }): string {
  const lines = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${options.prodId ?? '-//scoran-tracker//reporting//FR'}`, 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(options.name)}`,
  ];
  for (const e of events) {
    lines.push(
      'BEGIN:VEVENT', `UID:${e.uid}`, `DTSTAMP:${utcStamp(options.stamp)}`, `DTSTART;VALUE=DATE:${basicDate(e.day)}`, `DTEND;VALUE=DATE:${basicDate(nextDay(e.day))}`,
      `SUMMARY:${escapeText(e.summary)}`, ...(e.description ? [`DESCRIPTION:${escapeText(e.description)}`] : []), 'TRANSP:TRANSPARENT', 'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}

const FREQUENCY_FR = { monthly: 'mensuelle', quarterly: 'trimestrielle', yearly: 'annuelle', once: 'unique' } as const;

/** The due items of an organisation as calendar events; UIDs are stable, so a calendar updates an event instead of adding one. */
export function dueCalendar(organisationId: string, items: readonly DueItem[], stamp: Date): string {
  const events = items.map((i): CalendarEvent => i.kind === 'indicator'
    ? {
      uid: `${i.sheetId}.${i.indicatorId}.${i.dueOn}@scoran-tracker`, day: i.dueOn,
      summary: `Saisie ${i.number} — ${i.name}`,
      description: `Fiche ${i.number} « ${i.sheetTitle} »: valeur ${FREQUENCY_FR[i.frequency]} de l'indicateur « ${i.name} » attendue le ${i.dueOn}${i.lastObservedOn ? ` (dernière valeur observée le ${i.lastObservedOn})` : ''}.`,
    }
    : {
      uid: `${i.sheetId}.${i.milestoneId}.${i.dueOn}@scoran-tracker`, day: i.dueOn,
      summary: `Jalon ${i.number} — ${i.title}`,
      description: `Fiche ${i.number} « ${i.sheetTitle} »: jalon « ${i.title} » prévu ${i.due}.`,
    });
  return writeCalendar(events, { name: `SCORAN — échéances de ${organisationId}`, stamp });
}
