import type { DueItem, LagSummary, SheetFacts } from '#reporting';
import { html, type SafeHtml } from './html.js';
import { FREQUENCY_FR, formatDay, formatNumber, STATUS_FR } from './labels-fr.js';
import { organisationName } from './organisation-names.js';
import { link, type PageContext } from './page-layout.js';

/** The downloads and the calendar feed of an organisation, under /api. */
export const organisationFeeds = (organisationId: string) => {
  const base = `/api/organisations/${encodeURIComponent(organisationId)}`;
  return { xlsx: `${base}/report-template.xlsx`, csv: `${base}/report-template.csv`, ics: `${base}/due.ics`, due: `${base}/due`, lag: `${base}/reporting-lag` };
};

const days = (n: number) => `${formatNumber(n)} jour${n > 1 ? 's' : ''}`;
const lateness = (d: DueItem) => (d.daysLate > 0 ? html`<strong>en retard de ${days(d.daysLate)}</strong>` : d.daysLate === 0 ? 'dû aujourd’hui' : html`dans ${days(-d.daysLate)}`);
const share = (s: number | null) => (s === null ? '—' : `${formatNumber(Math.round(s * 1000) / 10)} %`);
const lagDays = (n: number | null) => (n === null ? '—' : days(n));

/** « Mes fiches » of one pilot organisation: its sheets, what it has due and how late, its reporting lag. */
export function organisationPage(organisationId: string, sheets: readonly SheetFacts[], due: readonly DueItem[], lag: { overall: LagSummary; sheets: Array<{ sheetId: string; number: string } & LagSummary> }, ctx: PageContext): SafeHtml {
  const name = organisationName(organisationId);
  const feeds = organisationFeeds(organisationId);
  const late = due.filter((d) => d.daysLate > 0);
  const sheetLink = (sheetId: string, text: string) => html`<a href="${link(`/fiches/${encodeURIComponent(sheetId)}`, ctx)}">${text}</a>`;
  const lagOf = new Map(lag.sheets.map((s) => [s.sheetId, s]));
  return html`
    <nav class="breadcrumb" aria-label="Fil d’Ariane"><ol><li><a href="${link('/', ctx)}">Feuille de route</a></li><li aria-current="page">${name}</li></ol></nav>
    <h1>Mes fiches <span class="muted">— ${name}</span></h1>
    <p class="lede">${sheets.length} fiche${sheets.length > 1 ? 's' : ''} pilotée${sheets.length > 1 ? 's' : ''} ; ${late.length ? html`<strong>${late.length} échéance${late.length > 1 ? 's' : ''} dépassée${late.length > 1 ? 's' : ''}</strong>` : 'aucune échéance dépassée'} au ${formatDay(ctx.today)}.</p>

    <section aria-labelledby="saisie">
      <h2 id="saisie">Saisir les valeurs</h2>
      <p>Le modèle de saisie liste chaque indicateur des fiches ouvertes, avec sa dernière valeur. Remplissez les colonnes « Valeur » et « Observé le », puis renvoyez le fichier par l’API (accès réservé aux pilotes de l’organisation).</p>
      <ul class="downloads">
        <li><a href="${feeds.xlsx}">Modèle de saisie (.xlsx)</a></li>
        <li><a href="${feeds.csv}">Modèle de saisie (.csv)</a></li>
        <li><a href="${feeds.ics}">Calendrier des échéances (.ics)</a>, à ajouter à votre agenda</li>
        <li><a href="${feeds.due}">Échéances (JSON)</a>, <a href="${feeds.lag}">délais de saisie (JSON)</a></li>
      </ul>
    </section>

    <section aria-labelledby="echeances">
      <h2 id="echeances">Ce qui est dû</h2>
      ${due.length ? html`<div class="table-scroll"><table class="due">
        <caption class="visually-hidden">Valeurs d’indicateurs et jalons attendus, par date d’échéance</caption>
        <thead><tr><th scope="col">Fiche</th><th scope="col">Attendu</th><th scope="col">Échéance</th><th scope="col">Situation</th></tr></thead>
        <tbody>${due.map((d) => html`<tr>
          <td>${sheetLink(d.sheetId, `Fiche ${d.number}`)}</td>
          <th scope="row">${d.kind === 'indicator'
            ? html`Valeur de « ${d.name} » <span class="muted">(saisie ${FREQUENCY_FR[d.frequency] ?? d.frequency}${d.lastObservedOn ? html`, dernière valeur du ${formatDay(d.lastObservedOn)}` : ', aucune valeur encore'})</span>`
            : html`Jalon « ${d.title} » <span class="muted">(prévu : ${formatDay(d.due)})</span>`}</th>
          <td>${formatDay(d.dueOn)}</td>
          <td>${lateness(d)}</td>
        </tr>`)}</tbody>
      </table></div>` : html`<p class="muted">Rien n’est attendu : aucun indicateur n’a de fréquence de saisie et aucun jalon n’est en attente.</p>`}
    </section>

    <section aria-labelledby="delais">
      <h2 id="delais">Délais de saisie</h2>
      <p>Délai entre la date d’observation d’une valeur et le jour de sa publication dans le suivi.</p>
      <ul class="kpis">
        <li><span class="kpi-value">${lagDays(lag.overall.medianDays)}</span> <span class="kpi-label">délai médian (${lag.overall.reports} valeur${lag.overall.reports > 1 ? 's' : ''})</span></li>
        <li><span class="kpi-value">${lagDays(lag.overall.p90Days)}</span> <span class="kpi-label">délai au 90e centile</span></li>
        <li><span class="kpi-value">${share(lag.overall.onTimeShare)}</span> <span class="kpi-label">des valeurs publiées à temps (indicateurs à saisie périodique : ${lag.overall.reportsWithFrequency})</span></li>
      </ul>
    </section>

    <section aria-labelledby="fiches">
      <h2 id="fiches">Fiches pilotées</h2>
      <div class="table-scroll"><table class="sheets">
        <caption class="visually-hidden">Fiches pilotées par ${name}, avec leur délai de saisie</caption>
        <thead><tr><th scope="col">N°</th><th scope="col">Fiche</th><th scope="col">Statut</th><th scope="col" class="num">Indicateurs</th><th scope="col" class="num">Jalons atteints</th><th scope="col">Délai médian</th><th scope="col">Publiées à temps</th></tr></thead>
        <tbody>${sheets.map((s) => {
          const l = lagOf.get(s.sheetId);
          return html`<tr>
            <td class="num">${s.number}</td>
            <th scope="row">${sheetLink(s.sheetId, s.title)}</th>
            <td>${STATUS_FR[s.status] ?? s.status}</td>
            <td class="num">${s.indicators.length}</td>
            <td class="num">${s.milestones.filter((m) => m.reachedOn).length}/${s.milestones.length}</td>
            <td>${lagDays(l?.medianDays ?? null)}</td>
            <td>${share(l?.onTimeShare ?? null)}</td>
          </tr>`;
        })}</tbody>
      </table></div>
    </section>`;
}
