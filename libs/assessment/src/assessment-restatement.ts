import { roadmapStream, sheetStream } from '#domain';
import type { StoredEvent } from '#event-store';
import { assessmentWording } from './assessment-renderers.js';
import type { Assessment, AssessmentFinding, AssessmentSource, IndicatorAssessment, SheetAssessment } from './assessment.model.js';
import type { AssessmentLog } from './read-model-source.js';

/** An event recorded after the frozen instant that changed a restated figure. */
export interface RestatingEvent {
  eventId: string;
  type: string;
  position: number;
  recordedAt: string;
  /** The reason the event gives (a correction's, an abandonment's, a finding's resolution), when it gives one. */
  reason: string | null;
}

/** A figure of the assessment as presented on the frozen instant and as known now (null: absent then, or now). */
export interface RestatedFigure {
  kind: 'sheet' | 'outcome' | 'milestone' | 'indicator' | 'never_reported' | 'finding';
  sheetId: string | null;
  number: string | null;
  /** The indicator, milestone or finding the figure is about. */
  subject: string | null;
  zone: string | null;
  presented: string | null;
  known: string | null;
  events: RestatingEvent[];
}

/** What changed in an assessment between the instant it was presented and now, and why. */
export interface Restatement {
  roadmapId: string;
  version: string;
  presented: AssessmentSource;
  known: AssessmentSource;
  figures: RestatedFigure[];
}

const { sheetOutcome, indicatorText, findingLines, milestoneText } = assessmentWording;
const findingText = (f: AssessmentFinding) => { const { head, details } = findingLines(f); return [head, ...details].join(' ; '); };

interface Keyed { key: string; kind: RestatedFigure['kind']; sheet: SheetAssessment | null; subject: string | null; zone: string | null; text: string }

/** Every figure of an assessment that a restatement compares, each under a key stable across the two. */
function figuresOf(a: Assessment): Map<string, Keyed> {
  const out = new Map<string, Keyed>();
  const put = (k: Keyed) => out.set(k.key, k);
  for (const sheet of a.enjeux.flatMap((e) => e.sheets)) {
    const s = sheet.sheetId;
    put({ key: `sheet|${s}`, kind: 'sheet', sheet, subject: null, zone: null, text: `${sheet.number} ${sheet.title}` });
    put({ key: `outcome|${s}`, kind: 'outcome', sheet, subject: null, zone: null, text: sheetOutcome(sheet) });
    for (const m of sheet.milestones) put({ key: `milestone|${s}|${m.milestoneId}`, kind: 'milestone', sheet, subject: m.milestoneId, zone: null, text: milestoneText(m) });
    for (const i of sheet.indicators) put({ key: `indicator|${s}|${i.indicatorId}|${i.zone ?? ''}`, kind: 'indicator', sheet, subject: i.indicatorId, zone: i.zone, text: indicatorText(i as IndicatorAssessment) });
    for (const n of sheet.neverReported) put({ key: `never_reported|${s}|${n.indicatorId}`, kind: 'never_reported', sheet, subject: n.indicatorId, zone: null, text: `${n.name} : jamais renseigné` });
  }
  for (const f of a.findings) put({ key: `finding|${f.findingId}`, kind: 'finding', sheet: null, subject: f.findingId, zone: null, text: findingText(f) });
  return out;
}

/** The events of the figure's stream, recorded in between, that can have changed it. */
function relevant(figure: RestatedFigure, e: StoredEvent): boolean {
  const d = (e.data ?? {}) as Record<string, unknown>;
  if (figure.kind === 'finding') return e.stream.startsWith('roadmap-') && d.findingId === figure.subject;
  if (figure.sheetId === null || e.stream !== sheetStream(figure.sheetId)) return false;
  if (figure.kind === 'indicator' || figure.kind === 'never_reported') return d.indicatorId === figure.subject;
  if (figure.kind === 'milestone') return d.milestoneId === figure.subject;
  // An outcome or a membership moves with any event of the sheet that is not about one indicator or milestone.
  return d.indicatorId === undefined && d.milestoneId === undefined;
}

const reasonOf = (e: StoredEvent): string | null => {
  const d = (e.data ?? {}) as Record<string, unknown>;
  for (const k of ['reason', 'resolution', 'explanation', 'comment']) if (typeof d[k] === 'string') return d[k] as string;
  return null;
};

/** Events read per step while scanning the log between the two positions. */
const SCAN_BATCH = 2000;

/**
 * Compares the assessment as presented (built as known at an earlier instant) with the one known
 * now, figure by figure, and names for each change the events recorded in between that touched it:
 * a back-dated report, a correction with its reason, a finding recorded or resolved, an outcome.
 */
export async function restateAssessment(presented: Assessment, known: Assessment, log: AssessmentLog): Promise<Restatement> {
  if (!presented.source || !known.source) throw new Error('a restatement compares assessments built from the log (with their source)');
  const before = figuresOf(presented);
  const now = figuresOf(known);
  const figures: RestatedFigure[] = [];
  for (const key of [...new Set([...before.keys(), ...now.keys()])]) {
    const b = before.get(key);
    const n = now.get(key);
    if (b?.text === n?.text) continue;
    const k = (n ?? b)!;
    figures.push({ kind: k.kind, sheetId: k.sheet?.sheetId ?? null, number: k.sheet?.number ?? null, subject: k.subject, zone: k.zone, presented: b?.text ?? null, known: n?.text ?? null, events: [] });
  }
  if (figures.length > 0) {
    const streams = new Set([roadmapStream(known.roadmapId), ...figures.flatMap((f) => (f.sheetId ? [sheetStream(f.sheetId)] : []))]);
    for (let from = presented.source.position; from < known.source.position;) {
      const batch = await log.store.readAll({ fromPosition: from, limit: SCAN_BATCH });
      if (batch.length === 0) break;
      for (const e of batch) {
        if (e.position > known.source.position) break;
        if (!streams.has(e.stream)) continue;
        for (const f of figures) {
          if (relevant(f, e)) f.events.push({ eventId: e.id, type: e.type, position: e.position, recordedAt: e.metadata.recordedAt, reason: reasonOf(e) });
        }
      }
      from = batch[batch.length - 1]!.position;
    }
  }
  return { roadmapId: known.roadmapId, version: known.version, presented: presented.source, known: known.source, figures };
}

const KIND: Record<RestatedFigure['kind'], string> = {
  sheet: 'Fiche', outcome: 'Issue', milestone: 'Jalon', indicator: 'Indicateur', never_reported: 'Indicateur non renseigné', finding: 'Constat',
};

const eventText = (e: RestatingEvent) => `${e.type} ${e.eventId} (position ${e.position}, enregistré le ${e.recordedAt}${e.reason ? `, motif : ${e.reason}` : ''})`;

/** The restatement in Markdown: each changed figure as presented and as known today, with the events that changed it. */
export function renderRestatementMarkdown(r: Restatement): string {
  const out = [`# Retraitement du bilan ${r.version}`, '', `Tel que présenté le ${r.presented.knownAt} (position ${r.presented.position}) ; tel que connu aujourd’hui, le ${r.known.knownAt} (position ${r.known.position}).`, ''];
  if (r.figures.length === 0) out.push('Aucun chiffre n’a changé.', '');
  for (const f of r.figures) {
    out.push(`## ${KIND[f.kind]}${f.number ? ` — fiche ${f.number}` : ''}${f.subject ? ` — ${f.subject}` : ''}${f.zone ? ` [${f.zone}]` : ''}`, '',
      `- Tel que présenté le ${r.presented.knownAt} : ${f.presented ?? 'absent'}`, `- Tel que connu aujourd’hui : ${f.known ?? 'absent'}`,
      ...f.events.map((e) => `- Modifié par ${eventText(e)}`), '');
  }
  return out.join('\n');
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderRestatementHtml(r: Restatement): string {
  const out = ['<!DOCTYPE html>', '<html lang="fr">', '<head>', '<meta charset="utf-8">', `<title>Retraitement du bilan ${esc(r.version)}</title>`, '</head>', '<body>',
    `<h1>Retraitement du bilan ${esc(r.version)}</h1>`,
    `<p>Tel que présenté le ${esc(r.presented.knownAt)} (position ${r.presented.position}) ; tel que connu aujourd’hui, le ${esc(r.known.knownAt)} (position ${r.known.position}).</p>`];
  if (r.figures.length === 0) out.push('<p>Aucun chiffre n’a changé.</p>');
  else {
    out.push('<table>', `<thead><tr><th scope="col">Chiffre</th><th scope="col">Tel que présenté le ${esc(r.presented.knownAt)}</th><th scope="col">Tel que connu aujourd’hui</th><th scope="col">Événements</th></tr></thead>`, '<tbody>');
    for (const f of r.figures) {
      out.push(`<tr data-kind="${f.kind}"><th scope="row">${esc(`${KIND[f.kind]}${f.number ? ` — fiche ${f.number}` : ''}${f.subject ? ` — ${f.subject}` : ''}${f.zone ? ` [${f.zone}]` : ''}`)}</th>`
        + `<td>${esc(f.presented ?? 'absent')}</td><td>${esc(f.known ?? 'absent')}</td><td>${f.events.map((e) => `<span data-event="${esc(e.eventId)}">${esc(eventText(e))}</span>`).join('<br>')}</td></tr>`);
    }
    out.push('</tbody>', '</table>');
  }
  out.push('</body>', '</html>', '');
  return out.join('\n');
}

export function renderRestatement(r: Restatement, format: 'json' | 'md' | 'html'): string {
  if (format === 'md') return renderRestatementMarkdown(r);
  if (format === 'html') return renderRestatementHtml(r);
  return `${JSON.stringify(r, null, 2)}\n`;
}
