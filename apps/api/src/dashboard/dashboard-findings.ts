import { REGION_CODE, TERRITORIES, type FigureValue } from '#domain';
import { findingsOnFigure, type Finding, type GovernanceFact } from '#projections';
import { html, type SafeHtml } from './html.js';
import { formatDay, formatNumber, ZONE_FR } from './labels-fr.js';
import { link, type PageContext } from './page-layout.js';

const STATUS_FR: Record<Finding['status'], string> = { open: 'ouvert', resolved: 'résolu', withdrawn: 'retiré' };

/** A figure as printed: numbers in French, words as they are, a structure as its parts. */
function figureText(v: FigureValue): string {
  if (v === null) return '—';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'oui' : 'non';
  if (Array.isArray(v)) return v.map(figureText).join(', ');
  return Object.entries(v).map(([k, x]) => `${k} : ${figureText(x)}`).join(' ; ');
}

export const findingAnchor = (f: Pick<Finding, 'findingId'>) => `constat-${f.findingId}`;

/** "imprimé 1 337 268, recalculé 1 401 323 (somme des totaux départementaux)". */
function figureLine(g: Finding['figures'][number]): SafeHtml {
  return html`<span class="finding-figure">${g.label} : imprimé <strong>${figureText(g.printed)}</strong>${g.recomputed !== null ? html`, recalculé <strong>${figureText(g.recomputed)}</strong>${g.recomputedAs ? ` (${g.recomputedAs})` : ''}` : ''}</span>`;
}

function targetText(t: Finding['refersTo'][number]): string {
  const parts = [
    t.sheetId ? `fiche ${t.sheetId}` : null,
    t.indicatorId ? `indicateur ${t.indicatorId}` : null,
    t.territory ? TERRITORIES[t.territory] ?? t.territory : null,
    t.zone !== undefined ? (t.zone ? ZONE_FR[t.zone] ?? t.zone : 'toutes zones') : null,
    t.section ?? null,
  ];
  return parts.filter(Boolean).join(', ');
}

/**
 * The note printed beside a figure the document contradicts: printed against recomputed, and a link
 * to the finding on the data-quality page. Nothing when no open finding is about the figure.
 */
export function findingNote(findings: readonly Finding[], figure: { sheetId: string; indicatorId: string; territory: string | null; zone: string | null }, ctx: PageContext): SafeHtml | '' {
  const about = findingsOnFigure(findings, { ...figure, territory: figure.territory ?? REGION_CODE });
  if (about.length === 0) return '';
  return html`<aside class="finding-note" role="note" aria-label="Incohérence du document source">${about.map((f) => html`<p data-finding="${f.findingId}"><strong>Incohérence du document :</strong> ${f.figures.map(figureLine)}. <a href="${link('/qualite-des-donnees', ctx)}#${findingAnchor(f)}">Voir le constat</a></p>`)}</aside>`;
}

/** The open findings about a sheet, for the top of its page. */
export function sheetFindingsSection(findings: readonly Finding[], sheetId: string, ctx: PageContext): SafeHtml | '' {
  const about = findings.filter((f) => f.status === 'open' && f.refersTo.some((t) => t.sheetId === sheetId));
  if (about.length === 0) return '';
  return html`<section class="finding-note" aria-labelledby="qualite-fiche">
    <h2 id="qualite-fiche">Qualité des données</h2>
    <p>Le document source se contredit sur ${about.length === 1 ? 'un point' : `${about.length} points`} de cette fiche ; les chiffres sont donnés tels qu’imprimés.</p>
    <ul>${about.map((f) => html`<li data-finding="${f.findingId}">${f.description}${f.figures.length ? html` — ${f.figures.map(figureLine)}` : ''} <a href="${link('/qualite-des-donnees', ctx)}#${findingAnchor(f)}">Voir le constat</a></li>`)}</ul>
  </section>`;
}

export function dataQualityPage(findings: readonly Finding[], ctx: PageContext): SafeHtml {
  const open = findings.filter((f) => f.status === 'open').length;
  return html`
    <h1>Qualité des données</h1>
    <p class="lede">Là où le document source se contredit, ses chiffres sont donnés tels qu’imprimés et le constat est noté ici, avec ce que donnent ses propres chiffres : ${findings.length} constats, dont ${open} ouverts.</p>
    <p>Les mêmes constats en données ouvertes : <a href="/api/export/findings.csv">CSV</a>, <a href="/api/export/findings.json">JSON</a>.</p>
    ${findings.length === 0 ? html`<p class="muted">Aucun constat.</p>` : ''}
    <ol class="findings">${findings.map((f) => html`<li id="${findingAnchor(f)}" data-status="${f.status}">
      <h2>${f.findingId} <span class="badge badge-${f.status === 'open' ? 'active' : f.status === 'resolved' ? 'completed' : 'retired'}">${STATUS_FR[f.status]}</span></h2>
      <p>${f.description}</p>
      ${f.figures.length ? html`<ul class="finding-figures">${f.figures.map((g) => html`<li>${figureLine(g)}</li>`)}</ul>` : ''}
      <p class="meta">Concerne : ${f.refersTo.map((t) => (t.sheetId ? html`<a href="${link(`/fiches/${encodeURIComponent(t.sheetId)}`, ctx)}">${targetText(t)}</a>` : targetText(t))).map((x, k) => (k ? html` ; ${x}` : x))}.</p>
      ${f.provenance.length ? html`<ul class="quotes">${f.provenance.map((p) => html`<li>${p.section} : <q>${p.quote}</q></li>`)}</ul>` : ''}
      ${f.resolution ? html`<p>Résolu le ${formatDay(f.resolution.on)} : ${f.resolution.resolution}</p>` : ''}
      ${f.withdrawal ? html`<p>Retiré : ${f.withdrawal.reason}</p>` : ''}
    </li>`)}</ol>`;
}

/** Partie II of the version (or Annexe 3 §1 for the V3): each fact with the words it comes from. */
export function governanceSection(version: string, facts: readonly GovernanceFact[]): SafeHtml | '' {
  if (facts.length === 0) return '';
  return html`<section class="governance" aria-labelledby="gouvernance">
    <h2 id="gouvernance">Gouvernance</h2>
    <p class="meta">Gouvernance de la version ${version}, telle que le document la décrit.</p>
    <ul>${facts.map((f) => html`<li data-fact="${f.factId}">${f.statement}${f.provenance.length ? html` <span class="muted">(${f.provenance.map((p) => html`${p.section} : <q>${p.quote}</q>`)})</span>` : ''}</li>`)}</ul>
  </section>`;
}

/** The open findings about any cell of a figure's table, once each, with the cell they are about. */
export function figureNotes(findings: readonly Finding[], figure: { sheetId: string; indicatorId: string; cells: ReadonlyArray<{ territory: string; zone: string | null }> }, ctx: PageContext): SafeHtml | '' {
  const seen = new Map<string, { finding: Finding; cells: string[] }>();
  for (const c of figure.cells) {
    for (const f of findingsOnFigure(findings, { sheetId: figure.sheetId, indicatorId: figure.indicatorId, territory: c.territory, zone: c.zone })) {
      const entry = seen.get(f.findingId) ?? { finding: f, cells: [] };
      entry.cells.push(`${TERRITORIES[c.territory] ?? c.territory}, ${c.zone ? ZONE_FR[c.zone] ?? c.zone : 'ensemble'}`);
      seen.set(f.findingId, entry);
    }
  }
  if (seen.size === 0) return '';
  return html`<aside class="finding-note" role="note" aria-label="Incohérences du document source sur ce tableau">${[...seen.values()].map(({ finding: f, cells }) => html`<p data-finding="${f.findingId}"><strong>Incohérence du document (${cells.join(' ; ')}) :</strong> ${f.figures.map(figureLine)}. <a href="${link('/qualite-des-donnees', ctx)}#${findingAnchor(f)}">Voir le constat</a></p>`)}</aside>`;
}

/** A mark beside a table cell the document contradicts. */
export function cellMark(findings: readonly Finding[], figure: { sheetId: string; indicatorId: string; territory: string; zone: string | null }, ctx: PageContext): SafeHtml | '' {
  const about = findingsOnFigure(findings, figure);
  if (about.length === 0) return '';
  return html` <a class="finding-mark" href="${link('/qualite-des-donnees', ctx)}#${findingAnchor(about[0]!)}" title="Incohérence du document : imprimé ${figureText(about[0]!.figures[0]?.printed ?? null)}, recalculé ${figureText(about[0]!.figures[0]?.recomputed ?? null)}">(!)</a>`;
}
