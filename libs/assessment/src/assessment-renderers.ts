import { formatDatedFr, formatQuantityFr, parseDated, type Qualifier } from '#domain';
import type { Assessment, AssessmentFinding, AssessmentSource, Counts, IndicatorAssessment, MilestoneAssessment, SheetAssessment } from './assessment.model.js';

const OUTCOME: Record<SheetAssessment['outcome'], string> = {
  completed: 'achevée', in_progress: 'en cours', abandoned: 'abandonnée', not_carried_over: 'non reconduite',
  completed_or_not_renewed: 'achevée ou non reconduite', unstated: 'non reprise, sans motif indiqué',
};
const MILESTONE: Record<MilestoneAssessment['status'], string> = { on_time: 'atteint à temps', late: 'atteint en retard', missed: 'manqué', pending: 'à venir', no_due: 'atteint (sans échéance)' };
const TREND: Record<NonNullable<IndicatorAssessment['trend']>, string> = { up: 'en hausse', down: 'en baisse', flat: 'stable' };
const REASON: Record<string, string> = {
  insufficient_partners: 'partenaires insuffisants', merged: 'fusionnée', out_of_scope: 'hors périmètre', no_funding: 'sans financement',
  not_renewed: 'non reconduite', completed: 'achevée', completed_or_not_renewed: 'achevée ou non reconduite', unstated: 'motif non indiqué', other: 'autre motif',
};

/** Numbers printed the same way on every machine: no locale. */
const num = (n: number) => String(n);
const unitSuffix = (unit: string) => (unit === 'percent' ? ' %' : '');
const QUALIFIER_FR: Record<Exclude<Qualifier, 'exact'>, string> = {
  about: 'environ ', more_than: 'plus de ', slightly_more_than: 'un peu plus de ', at_least: 'au moins ', less_than: 'moins de ', at_most: 'au plus ',
};
/** A value as printed: "environ 44 %" stays approximate. */
const value = (v: { value: number; qualifier?: Qualifier }, unit: string) =>
  `${v.qualifier && v.qualifier !== 'exact' ? QUALIFIER_FR[v.qualifier] : ''}${num(v.value)}${unitSuffix(unit)}`;

/** A date as the sources print it, in French: "au 1er trimestre 2023", "en mars 2019", "le 26 juin 2023". */
const printed = (label: string) => formatDatedFr(parseDated(label));
/** A calendar day without its article: "25 juin 2023". */
const dayFr = (day: string) => printed(day).replace(/^le /, '');

function periodText(a: Assessment): string {
  // The adoption keeps its printed precision: V3 was adopted "en mars 2019", not on the 1st.
  const from = a.period.start === null ? 'date inconnue' : printed(a.period.start);
  if (a.period.endsWith === 'open') return `depuis l’adoption, ${from} (version en vigueur)`;
  const why = a.period.endsWith === 'until' ? 'date demandée' : `veille de l’adoption de ${a.period.nextVersion}`;
  return `de l’adoption, ${from}, au ${a.period.end ? dayFr(a.period.end) : '?'} (${why})`;
}

/** Said only when the sources give the version's size: the counts that follow are over the sheets they name. */
export function sheetCountText(a: Assessment): string | null {
  const printed = a.sheetCount?.printed;
  if (!printed) return null;
  return `Les sources annoncent ${formatQuantityFr(printed)} fiches ; ${a.sheetCount.recorded} sont recensées, et les chiffres qui suivent portent sur elles.`;
}

function countsLine(c: Counts): string {
  const ambiguous = (c.completedOrNotRenewed ? `, ${c.completedOrNotRenewed} achevées ou non reconduites` : '') + (c.unstated ? `, ${c.unstated} non reprises sans motif indiqué` : '');
  return `${c.sheets} fiches : ${c.completed} achevées, ${c.inProgress} en cours, ${c.abandoned} abandonnées, ${c.notCarriedOver} non reconduites${ambiguous} ; ${c.carriedOver} reconduites. `
    + `Jalons : ${c.milestonesOnTime} à temps, ${c.milestonesLate} en retard, ${c.milestonesMissed} manqués, ${c.milestonesPending} à venir. `
    + `Indicateurs : ${c.indicatorsReported} renseignés (${c.indicatorsMet} à la cible), ${c.indicatorsNeverReported} jamais renseignés.`;
}

function sheetOutcome(s: SheetAssessment): string {
  let text = OUTCOME[s.outcome];
  if (s.reason) text += ` (${REASON[s.reason] ?? s.reason})`;
  if (s.on) text += ` ${printed(s.on)}`;
  if (s.carriedOverTo) text += ` ; reconduite en ${s.carriedOverTo.version}${s.carriedOverTo.number ? ` (fiche ${s.carriedOverTo.number})` : ''}`;
  if (s.mergedInto) text += ` ; fusionnée dans ${s.mergedInto}`;
  return text;
}

/** « titre » (échéance au 4e trimestre 2023 ?) : atteint à temps en 2023, reporté 1 fois — dates as printed. */
function milestoneText(m: MilestoneAssessment): string {
  return `« ${m.title} »${m.dueFr ? ` (échéance ${m.dueFr})` : ''} : ${MILESTONE[m.status]}${m.reached ? ` ${printed(m.reached)}` : ''}${m.rescheduled ? `, reporté ${m.rescheduled} fois` : ''}`;
}

const AGAINST_TARGET = { met: 'atteinte', not_met: 'non atteinte', undetermined: 'indéterminé (la valeur publiée ne permet pas de le dire)' } as const;

function indicatorText(i: IndicatorAssessment): string {
  let text = `${i.name}${i.zone ? ` [${i.zone}]` : ''} : ${value(i.last, i.unit)} ${printed(i.last.observed)}`;
  if (i.target) {
    const when = i.target.due ? ` ${formatDatedFr(parseDated(i.target.due))}` : '';
    text += ` ; cible ${value(i.target, i.unit)}${when} : ${AGAINST_TARGET[i.againstTarget ?? 'undetermined']}`;
  }
  if (i.trend && i.previous) text += ` ; ${TREND[i.trend]} (${value(i.previous, i.unit)} ${printed(i.previous.observed)})`;
  return text;
}

/** A printed figure as the reader sees it: a number or words as is, a structure as JSON. */
const figure = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'number' ? num(v) : typeof v === 'string' ? v : JSON.stringify(v));

function findingLines(f: AssessmentFinding): { head: string; details: string[] } {
  const about = [...f.sheets.map((s) => `fiche ${s.number !== '0' ? s.number : s.sheetId}`), ...f.sections].join(', ');
  const head = `${f.findingId}${about ? ` (${about})` : ''} — ${f.status === 'resolved' ? `résolu le ${f.resolution?.on ? dayFr(f.resolution.on) : '?'}` : 'ouvert'} : ${f.description}`;
  const details = [
    ...f.figures.map((g) => `${g.label} : imprimé ${figure(g.printed)}${g.recomputed !== null && g.recomputed !== undefined ? `, recalculé ${figure(g.recomputed)}${g.recomputedAs ? ` (${g.recomputedAs})` : ''}` : ''}`),
    ...(f.resolution ? [`Résolution : ${f.resolution.resolution}`] : []),
    ...f.provenance.map((p) => `${p.section} : « ${p.quote} »`),
  ];
  return { head, details };
}

/** The French wording shared by every rendering of an assessment (text, HTML and the office documents). */
export const assessmentWording = { OUTCOME, MILESTONE, TREND, REASON, value, printed, periodText, countsLine, sheetOutcome, indicatorText, milestoneText, findingLines } as const;

const numbered = (n: string | null) => n !== null && n !== '0';
const md = (text: string) => text.replace(/([\\`*_[\]<>|#])/g, '\\$1');

export function renderMarkdown(a: Assessment): string {
  const out: string[] = [];
  out.push(`# Bilan de la version ${a.version} — ${md(a.title)}`, '');
  const size = sheetCountText(a);
  out.push(`Période : ${periodText(a)}.`, '', ...(size ? [size, ''] : []), countsLine(a.totals), '');
  for (const e of a.enjeux) {
    out.push(`## ${e.number !== null ? `Enjeu ${e.number} — ` : ''}${md(e.title)}`, '', countsLine(e.totals), '');
    for (const s of e.sheets) {
      out.push(`### ${numbered(s.number) ? `${s.number} ` : ''}${md(s.title)}`, '', `- Issue : ${md(sheetOutcome(s))}`);
      if (s.explanation) out.push(`- Motif : ${md(s.explanation)}`);
      if (s.pilots.length) out.push(`- Pilotes : ${s.pilots.join(', ')}`);
      for (const m of s.milestones) out.push(`- Jalon ${md(milestoneText(m))}`);
      for (const i of s.indicators) out.push(`- Indicateur ${md(indicatorText(i))}`);
      for (const n of s.neverReported) out.push(`- Indicateur jamais renseigné : ${md(n.name)}`);
      out.push('');
    }
  }
  out.push(`## Reconduit dans la version suivante`, '');
  if (a.carriesOver.length === 0) out.push('Aucune fiche reconduite.', '');
  else {
    for (const c of a.carriesOver) out.push(`- ${numbered(c.number) ? `${c.number} ` : ''}${md(c.title)} → ${c.toVersion}${c.toNumber ? ` ${c.toNumber}` : ''}`);
    out.push('');
  }
  out.push('## Qualité des données', '');
  if (a.findings.length === 0) out.push('Aucun constat.', '');
  else {
    for (const f of a.findings) {
      const { head, details } = findingLines(f);
      out.push(`- ${md(head)}`, ...details.map((d) => `  - ${md(d)}`));
    }
    out.push('');
  }
  if (a.source) out.push('---', '', md(colophon(a.source)), sourceComment(a), '');
  return out.join('\n');
}

/** Where an assessment came from, as JSON in a comment: what `assessment --verify` reads back from a Markdown or HTML file. */
export interface AssessmentStamp extends AssessmentSource {
  roadmapId: string;
  version: string;
  until: string | null;
}

const STAMP = /<!-- assessment (\{[^\n]*\}) -->/;

/** The stamp of an assessment built from the log (its `source` with what names the assessment). */
export function assessmentStamp(a: Assessment): AssessmentStamp {
  return { roadmapId: a.roadmapId, version: a.version, until: a.period.endsWith === 'until' ? a.period.end : null, ...a.source! };
}

function sourceComment(a: Assessment): string {
  return `<!-- assessment ${JSON.stringify(assessmentStamp(a))} -->`;
}

/** The stamp of a Markdown or HTML assessment, or null when it has none. */
export function readAssessmentStamp(text: string): AssessmentStamp | null {
  const m = STAMP.exec(text);
  return m ? (JSON.parse(m[1]!) as AssessmentStamp) : null;
}

/** The line that names the log an assessment was built from (read back by `assessment --verify`). */
export function colophon(s: AssessmentSource): string {
  return `Établi d’après le journal tel que connu le ${s.knownAt} (position ${s.position}, chaîne ${s.chainHead ?? 'non chaînée'}).`;
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderHtml(a: Assessment): string {
  const out: string[] = [];
  out.push('<!DOCTYPE html>', '<html lang="fr">', '<head>', '<meta charset="utf-8">', `<title>Bilan ${esc(a.version)} — ${esc(a.title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}.outcome{font-weight:600}.missed,.not_met{color:#a40000}.on_time,.met{color:#1d6b1d}.late{color:#8a5a00}</style>',
    '</head>', '<body>');
  out.push(`<h1>Bilan de la version ${esc(a.version)} — ${esc(a.title)}</h1>`, `<p>Période : ${esc(periodText(a))}.</p>`, ...(sheetCountText(a) ? [`<p class="sheet-count">${esc(sheetCountText(a)!)}</p>`] : []), `<p>${esc(countsLine(a.totals))}</p>`);
  for (const e of a.enjeux) {
    out.push(`<section data-enjeu="${esc(e.enjeuId ?? 'unknown')}">`, `<h2>${e.number !== null ? `Enjeu ${e.number} — ` : ''}${esc(e.title)}</h2>`, `<p>${esc(countsLine(e.totals))}</p>`);
    for (const s of e.sheets) {
      out.push(`<article data-sheet="${esc(s.sheetId)}" data-outcome="${s.outcome}">`, `<h3>${numbered(s.number) ? `${esc(s.number!)} ` : ''}${esc(s.title)}</h3>`, '<ul>');
      out.push(`<li>Issue : <span class="outcome">${esc(sheetOutcome(s))}</span></li>`);
      if (s.explanation) out.push(`<li>Motif : ${esc(s.explanation)}</li>`);
      if (s.pilots.length) out.push(`<li>Pilotes : ${esc(s.pilots.join(', '))}</li>`);
      for (const m of s.milestones) out.push(`<li class="${m.status}">Jalon ${esc(milestoneText(m))}</li>`);
      for (const i of s.indicators) out.push(`<li class="${i.againstTarget ?? 'no-target'}">Indicateur ${esc(indicatorText(i))}</li>`);
      for (const n of s.neverReported) out.push(`<li>Indicateur jamais renseigné : ${esc(n.name)}</li>`);
      out.push('</ul>', '</article>');
    }
    out.push('</section>');
  }
  out.push('<h2>Reconduit dans la version suivante</h2>');
  if (a.carriesOver.length === 0) out.push('<p>Aucune fiche reconduite.</p>');
  else out.push('<ul>', ...a.carriesOver.map((c) => `<li>${numbered(c.number) ? `${esc(c.number!)} ` : ''}${esc(c.title)} → ${esc(c.toVersion)}${c.toNumber ? ` ${esc(c.toNumber)}` : ''}</li>`), '</ul>');
  out.push('<h2>Qualité des données</h2>');
  if (a.findings.length === 0) out.push('<p>Aucun constat.</p>');
  else {
    out.push('<ul class="findings">');
    for (const f of a.findings) {
      const { head, details } = findingLines(f);
      out.push(`<li data-finding="${esc(f.findingId)}" data-status="${f.status}">${esc(head)}<ul>${details.map((d) => `<li>${esc(d)}</li>`).join('')}</ul></li>`);
    }
    out.push('</ul>');
  }
  if (a.source) out.push(`<footer class="colophon" data-roadmap="${esc(a.roadmapId)}" data-version="${esc(a.version)}" data-until="${a.period.endsWith === 'until' ? esc(a.period.end!) : ''}" data-known-at="${esc(a.source.knownAt)}" data-position="${a.source.position}" data-chain-head="${esc(a.source.chainHead ?? '')}"><p>${esc(colophon(a.source))}</p></footer>`, sourceComment(a));
  out.push('</body>', '</html>', '');
  return out.join('\n');
}

export type AssessmentFormat = 'json' | 'md' | 'html';
export const ASSESSMENT_FORMATS: readonly AssessmentFormat[] = ['json', 'md', 'html'];

/** The assessment in a format, as text; JSON keeps the model's fixed key order. */
export function renderAssessment(a: Assessment, format: AssessmentFormat): string {
  if (format === 'md') return renderMarkdown(a);
  if (format === 'html') return renderHtml(a);
  return `${JSON.stringify(a, null, 2)}\n`;
}
