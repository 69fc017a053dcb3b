import type { Qualifier } from '#domain';
import type { Assessment, AssessmentFinding, IndicatorAssessment, SheetAssessment } from './assessment.model.js';
import { assessmentStamp, assessmentWording as w, colophon } from './assessment-renderers.js';
import { periodStartDay } from './assessment-generator.js';

/** What the office documents are made from: the assessment itself, findings included. */
export type AssessmentDocumentInput = Assessment;

export type LayoutCell = string | number | null;

export interface LayoutTable {
  kind: 'table';
  caption: string;
  columns: ReadonlyArray<{ title: string; numeric?: boolean; width: number }>;
  rows: LayoutCell[][];
}

export interface LayoutBar {
  label: string;
  /** Stacked segments, drawn left to right. */
  segments: ReadonlyArray<{ value: number; legend: string; colour: string }>;
  /** A mark drawn across the bar (the target), in the same unit as the segments. */
  mark: number | null;
  note: string;
}

/**
 * A chart: the PDF draws it; ODT and DOCX print `fallback` instead (a table of the same figures), or
 * nothing when another table of the document already holds them.
 */
export interface LayoutChart {
  kind: 'chart';
  title: string;
  scale: number;
  bars: LayoutBar[];
  fallback: LayoutTable | null;
}

export type LayoutBlock =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string; style?: 'note' | 'strong' }
  | LayoutTable
  | LayoutChart;

export interface AssessmentLayout {
  title: string;
  subject: string;
  /** The day the document speaks of: the period's last day, or its first while the version is in force. */
  date: string;
  blocks: LayoutBlock[];
  /** Where the assessment came from, as the JSON that `assessment --verify` reads, for the document's metadata; null when not built from the log. */
  stamp: string | null;
}

const UNIT: Record<string, string> = { count: 'nombre', percent: '%', amount: '€', ratio: 'ratio', number: 'valeur' };
const unitLabel = (unit: string) => UNIT[unit] ?? unit;
const OUTCOME_COLOURS = { completed: '#1d6b1d', inProgress: '#2f5f98', abandoned: '#a40000', notCarriedOver: '#8a5a00' } as const;
const FINDING_STATUS: Record<AssessmentFinding['status'], string> = { open: 'ouverte', resolved: 'résolue' };
// A number the sources do not give is null ("0" in logs written before it could be).
const numbered = (n: string | null): n is string => n !== null && n !== '0';
const sheetLabel = (s: { number: string | null; title: string }) => `${numbered(s.number) ? `${s.number} ` : ''}${s.title}`;

/** The date printed in a document and stamped in its metadata: fixed by the assessment, never the clock. */
export function documentDate(a: Assessment): string {
  return a.period.end ?? periodStartDay(a.period) ?? '1980-01-01';
}

/** Share of the target reached, in whole percent; null without a usable target. */
export function percentOfTarget(i: IndicatorAssessment): number | null {
  if (!i.target || i.target.value === 0) return null;
  return Math.round((i.last.value / i.target.value) * 100);
}

function enjeuTable(a: Assessment): LayoutTable {
  return {
    kind: 'table', caption: 'Issue des fiches et des jalons par enjeu',
    columns: [
      { title: 'Enjeu', width: 3 }, { title: 'Fiches', numeric: true, width: 1 }, { title: 'Achevées', numeric: true, width: 1 },
      { title: 'En cours', numeric: true, width: 1 }, { title: 'Abandonnées', numeric: true, width: 1 }, { title: 'Non reconduites', numeric: true, width: 1 },
      { title: 'Achevées ou non reconduites', numeric: true, width: 1 }, { title: 'Non reprises sans motif', numeric: true, width: 1 },
      { title: 'Jalons à temps', numeric: true, width: 1 }, { title: 'Jalons en retard', numeric: true, width: 1 }, { title: 'Jalons manqués', numeric: true, width: 1 },
      { title: 'Indicateurs à la cible', numeric: true, width: 1 },
    ],
    rows: [
      ...a.enjeux.map((e) => [
        `${e.number !== null ? `${e.number}. ` : ''}${e.title}`, e.totals.sheets, e.totals.completed, e.totals.inProgress, e.totals.abandoned,
        e.totals.notCarriedOver, e.totals.completedOrNotRenewed, e.totals.unstated, e.totals.milestonesOnTime, e.totals.milestonesLate, e.totals.milestonesMissed, e.totals.indicatorsMet,
      ]),
      ['Ensemble', a.totals.sheets, a.totals.completed, a.totals.inProgress, a.totals.abandoned, a.totals.notCarriedOver, a.totals.completedOrNotRenewed, a.totals.unstated,
        a.totals.milestonesOnTime, a.totals.milestonesLate, a.totals.milestonesMissed, a.totals.indicatorsMet],
    ],
  };
}

function enjeuChart(a: Assessment): LayoutChart {
  return {
    kind: 'chart', title: 'Fiches par enjeu et par issue', scale: Math.max(1, ...a.enjeux.map((e) => e.totals.sheets)),
    bars: a.enjeux.map((e) => ({
      label: e.number !== null ? `Enjeu ${e.number}` : e.title,
      segments: [
        { value: e.totals.completed, legend: 'achevées', colour: OUTCOME_COLOURS.completed },
        { value: e.totals.inProgress, legend: 'en cours', colour: OUTCOME_COLOURS.inProgress },
        { value: e.totals.abandoned, legend: 'abandonnées', colour: OUTCOME_COLOURS.abandoned },
        { value: e.totals.notCarriedOver, legend: 'non reconduites', colour: OUTCOME_COLOURS.notCarriedOver },
      ],
      mark: null,
      note: `${e.totals.sheets} fiches`,
    })),
    // The table « Issue des fiches et des jalons par enjeu » holds the same figures.
    fallback: null,
  };
}

function targetChart(a: Assessment): LayoutChart | null {
  const measured = a.enjeux.flatMap((e) => e.sheets).flatMap((s) => s.indicators.map((i) => ({ s, i, pct: percentOfTarget(i) })))
    .filter((x): x is { s: SheetAssessment; i: IndicatorAssessment; pct: number } => x.pct !== null);
  if (measured.length === 0) return null;
  return {
    kind: 'chart', title: 'Indicateurs rapportés à leur cible (en % de la cible)', scale: Math.max(100, ...measured.map((m) => Math.min(m.pct, 200))),
    bars: measured.map(({ s, i, pct }) => ({
      // The zone first: a long name is cut at its end, and the zone tells apart bars of one indicator.
      label: `${numbered(s.number) ? `${s.number} ` : ''}${i.zone ? `[${i.zone}] ` : ''}${i.name}`,
      segments: [{ value: Math.min(pct, 200), legend: 'valeur', colour: i.againstTarget === 'met' ? '#1d6b1d' : '#a40000' }],
      mark: 100,
      note: `${pct} % (${w.value(i.last, i.unit)} / ${w.value(i.target!, i.unit)})`,
    })),
    fallback: {
      kind: 'table', caption: 'Indicateurs rapportés à leur cible',
      columns: [{ title: 'Fiche', width: 1 }, { title: 'Indicateur', width: 4 }, { title: 'Dernière valeur', numeric: true, width: 1 }, { title: 'Cible', numeric: true, width: 1 }, { title: '% de la cible', numeric: true, width: 1 }],
      rows: measured.map(({ s, i, pct }) => [s.number, `${i.name}${i.zone ? ` [${i.zone}]` : ''}`, figureCell(i.last, i.unit), figureCell(i.target!, i.unit), pct]),
    },
  };
}

/** A figure as a cell: a number when exact, else its words ("environ 44 %"), so that no reader takes an approximation for a count. */
const figureCell = (v: { value: number; qualifier?: Qualifier }, unit: string): LayoutCell => (!v.qualifier || v.qualifier === 'exact' ? v.value : w.value(v, unit));

/** A date in a cell, as printed: a day as Annexe 2 prints one ("31/12/2022"), a period in words ("au 1er trimestre 2023", "en 2022"). */
const cellDate = (label: string) => (/^\d{4}-\d{2}-\d{2}$/.test(label) ? label.split('-').reverse().join('/') : w.printed(label));

function milestoneTable(s: SheetAssessment): LayoutTable {
  return {
    kind: 'table', caption: `Jalons de la fiche ${sheetLabel(s)}`,
    columns: [{ title: 'Jalon', width: 4 }, { title: 'Échéance prévue', width: 1.5 }, { title: 'Atteint', width: 1.5 }, { title: 'Statut', width: 1.5 }, { title: 'Reports', numeric: true, width: 1 }],
    rows: s.milestones.map((m) => [m.title, m.dueFr, m.reached ? cellDate(m.reached) : null, w.MILESTONE[m.status], m.rescheduled]),
  };
}

function indicatorTable(s: SheetAssessment): LayoutTable {
  return {
    kind: 'table', caption: `Indicateurs de la fiche ${sheetLabel(s)}`,
    columns: [
      { title: 'Indicateur', width: 3 }, { title: 'Unité', width: 1 }, { title: 'Dernière valeur', numeric: true, width: 1.2 }, { title: 'Observée', width: 1.3 },
      { title: 'Valeur précédente', numeric: true, width: 1.2 }, { title: 'Cible', numeric: true, width: 1 }, { title: 'Échéance', width: 1.3 }, { title: 'Cible atteinte', width: 1.1 },
      { title: 'Tendance', width: 1.1 },
    ],
    rows: s.indicators.map((i) => [
      `${i.name}${i.zone ? ` [${i.zone}]` : ''}`, unitLabel(i.unit), figureCell(i.last, i.unit), cellDate(i.last.observed), i.previous ? figureCell(i.previous, i.unit) : null,
      i.target ? figureCell(i.target, i.unit) : null, i.target?.due ? cellDate(i.target.due) : null, i.againstTarget === null ? null : i.againstTarget === 'met' ? 'oui' : 'non', i.trend ? w.TREND[i.trend] : null,
    ]),
  };
}

/** A printed or recomputed figure as a cell: a number or words as printed, a structure as JSON. */
const figureText = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'number' ? String(v) : typeof v === 'string' ? v : JSON.stringify(v));

function findingBlocks(findings: readonly AssessmentFinding[]): LayoutBlock[] {
  const out: LayoutBlock[] = [{ kind: 'heading', level: 2, text: 'Qualité des données' }];
  if (findings.length === 0) return [...out, { kind: 'paragraph', text: 'Aucune incohérence des sources n’a été relevée.' }];
  out.push({
    kind: 'table', caption: 'Incohérences relevées dans les sources',
    columns: [{ title: 'Constat', width: 4 }, { title: 'Fiches', width: 1.5 }, { title: 'Chiffres en cause (imprimé / recalculé)', width: 3 }, { title: 'Provenance', width: 2 }, { title: 'État', width: 1 }],
    rows: findings.map((f) => [
      `${f.findingId} : ${f.description}`,
      [...f.sheets.map((x) => x.number), ...f.sections].join(', ') || null,
      f.figures.map((g) => `${g.label} : ${figureText(g.printed)}${g.recomputed !== null && g.recomputed !== undefined ? ` / ${figureText(g.recomputed)}` : ''}`).join(' ; '),
      f.provenance.map((p) => `${p.section} : « ${p.quote} »`).join(' ; ') || null,
      FINDING_STATUS[f.status],
    ]),
  });
  return out;
}

/**
 * The assessment laid out once, in French, as headings, paragraphs, tables and charts: the ODT, DOCX
 * and PDF writers only turn these blocks into their own markup, so the three documents say the same.
 * Sections follow the HTML rendering: period and totals, each enjeu with its sheets (outcome,
 * milestones planned and reached, indicators against targets), findings, what carries over.
 */
export function assessmentLayout(a: AssessmentDocumentInput): AssessmentLayout {
  const title = `Bilan de la version ${a.version} — ${a.title}`;
  const blocks: LayoutBlock[] = [
    { kind: 'heading', level: 1, text: title },
    { kind: 'paragraph', text: `Période : ${w.periodText(a)}.`, style: 'strong' },
    { kind: 'paragraph', text: w.countsLine(a.totals) },
    { kind: 'heading', level: 2, text: 'Synthèse par enjeu' },
    enjeuTable(a),
    enjeuChart(a),
  ];
  const targets = targetChart(a);
  if (targets) blocks.push(targets);
  for (const e of a.enjeux) {
    blocks.push({ kind: 'heading', level: 2, text: `${e.number !== null ? `Enjeu ${e.number} — ` : ''}${e.title}` }, { kind: 'paragraph', text: w.countsLine(e.totals) });
    for (const s of e.sheets) {
      blocks.push({ kind: 'heading', level: 3, text: sheetLabel(s) }, { kind: 'paragraph', text: `Issue : ${w.sheetOutcome(s)}`, style: 'strong' });
      if (s.explanation) blocks.push({ kind: 'paragraph', text: `Motif : ${s.explanation}` });
      if (s.pilots.length) blocks.push({ kind: 'paragraph', text: `Pilotes : ${s.pilots.join(', ')}` });
      if (s.milestones.length) blocks.push(milestoneTable(s));
      if (s.indicators.length) blocks.push(indicatorTable(s));
      if (s.neverReported.length) blocks.push({ kind: 'paragraph', text: `Indicateurs jamais renseignés : ${s.neverReported.map((n) => n.name).join(', ')}`, style: 'note' });
    }
  }
  blocks.push(...findingBlocks(a.findings));
  blocks.push({ kind: 'heading', level: 2, text: 'Reconduit dans la version suivante' });
  if (a.carriesOver.length === 0) blocks.push({ kind: 'paragraph', text: 'Aucune fiche reconduite.' });
  else {
    blocks.push({
      kind: 'table', caption: 'Fiches reconduites',
      columns: [{ title: 'Fiche', width: 4 }, { title: 'Version', width: 1 }, { title: 'Nouveau numéro', width: 1 }],
      rows: a.carriesOver.map((c) => [sheetLabel(c), c.toVersion, c.toNumber]),
    });
  }
  if (a.source) blocks.push({ kind: 'paragraph', style: 'note', text: colophon(a.source) });
  return { title, subject: `Bilan de la feuille de route ${a.roadmapId}, version ${a.version}`, date: documentDate(a), blocks, stamp: a.source ? JSON.stringify(assessmentStamp(a)) : null };
}

/** A cell as text: numbers without locale, like every other rendering of the assessment. */
export const cellText = (c: LayoutCell): string => (c === null ? '' : typeof c === 'number' ? String(c) : c);
