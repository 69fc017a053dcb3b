import { html, type SafeHtml } from './html.js';
import { formatDay } from './labels-fr.js';

export interface PageContext {
  /** The path of the page itself (the as-of form submits to it). */
  path: string;
  asOf: string | null;
  roadmapId: string | null;
  /** Version shown, kept across the as-of form. */
  version?: string | null;
  assessmentVersion?: string | null;
  today: string;
  /** What makes the page refresh itself; ignored when the page is shown as of a date (the past does not change). */
  live?: LiveContext | null;
}

export interface LiveContext {
  /** The streams whose events concern the page (`*`: every stream). */
  streams: readonly string[];
  /** The event types that change what the page shows. */
  events: readonly string[];
  /** A log position the page shows everything up to: the stream starts after it, so no write made since is missed. */
  from: number;
}

export const NAV = [
  { href: '/', label: 'Feuille de route', key: 'overview' },
  { href: '/infrastructures', label: 'Infrastructures', key: 'infrastructures' },
  { href: '/versions', label: 'Évolutions entre versions', key: 'versions' },
  { href: '/qualite-des-donnees', label: 'Qualité des données', key: 'data-quality' },
] as const;

/** Adds the as-of date (and other state) to an internal link, so time travel survives navigation. */
export function link(path: string, ctx: Pick<PageContext, 'asOf'>, extra: Record<string, string | null | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...extra, asOf: ctx.asOf })) if (v) params.set(k, v);
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

/** Another form of the page's content (a calendar feed), announced in its head. */
export interface Alternate { type: string; href: string; title: string }

export function layout(opts: { title: string; active: string | null; ctx: PageContext; body: SafeHtml; alternates?: readonly Alternate[] }): string {
  const { ctx } = opts;
  const assessment = ctx.roadmapId && ctx.assessmentVersion
    ? `/api/roadmaps/${encodeURIComponent(ctx.roadmapId)}/versions/${encodeURIComponent(ctx.assessmentVersion)}/assessment?format=html`
    : null;
  // A page of the past never changes; a page of today follows the log.
  const live = ctx.asOf ? null : ctx.live ?? null;
  return `<!doctype html>${html`<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${opts.title} — SCORAN Centre-Val de Loire</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/assets/dashboard.css">
  ${(opts.alternates ?? []).map((a) => html`<link rel="alternate" type="${a.type}" href="${a.href}" title="${a.title}">`)}
  ${live ? html`<script src="/assets/live.js" defer></script>` : ''}
</head>
<body>
  <a class="skip-link" href="#contenu">Aller au contenu</a>
  <header class="site-header">
    <div class="wrap header-row">
      <p class="brand"><a href="${link('/', ctx)}"><span class="brand-name">SCORAN Centre-Val de Loire</span><span class="brand-sub">Suivi de la stratégie régionale du numérique</span></a></p>
      <form class="as-of" method="get" action="${ctx.path}">
        <label for="asOf">Situation au</label>
        <input type="date" id="asOf" name="asOf" value="${ctx.asOf ?? ''}" max="${ctx.today}" aria-describedby="asOf-help">
        ${ctx.version ? html`<input type="hidden" name="version" value="${ctx.version}">` : ''}
        <button type="submit">Afficher</button>
        <span id="asOf-help" class="visually-hidden">Affiche la feuille de route telle qu’elle était à cette date.</span>
      </form>
    </div>
    <nav class="wrap" aria-label="Navigation principale">
      <ul class="nav">
        ${NAV.map((n) => html`<li><a href="${link(n.href, ctx)}"${opts.active === n.key ? html` aria-current="page"` : ''}>${n.label}</a></li>`)}
        ${assessment ? html`<li><a href="${assessment}">Bilan ${ctx.assessmentVersion}</a></li>` : ''}
        <li><a href="#donnees-ouvertes">Données ouvertes</a></li>
      </ul>
    </nav>
  </header>
  ${ctx.asOf ? html`<div class="time-travel" role="status"><div class="wrap">Vous consultez la situation au <strong>${formatDay(ctx.asOf)}</strong>. <a href="${ctx.path}${ctx.version ? `?version=${ctx.version}` : ''}">Revenir à aujourd’hui</a></div></div>` : ''}
  <main id="contenu" tabindex="-1" class="wrap"${live ? html` data-live-streams="${live.streams.join(' ')}" data-live-events="${live.events.join(' ')}" data-live-from="${live.from}"` : ''}>
    ${live ? html`<p id="live-status" class="visually-hidden" role="status" aria-live="polite" aria-atomic="true"></p>` : ''}
    ${opts.body}
    ${live ? html`<p class="live-note" hidden>Cette page se met à jour d’elle-même quand de nouvelles données sont publiées.</p>` : ''}
  </main>
  <footer class="site-footer">
    <div class="wrap">
      <h2 id="donnees-ouvertes">Données ouvertes</h2>
      <p>Les données de ce tableau de bord sont publiées sous licence ouverte, au format CSV (UTF-8, séparateur virgule) et JSON :</p>
      <ul class="downloads">
        <li>Fiches : <a href="/api/export/sheets.csv">CSV</a>, <a href="/api/export/sheets.json">JSON</a></li>
        <li>Indicateurs et cibles : <a href="/api/export/indicators.csv">CSV</a>, <a href="/api/export/indicators.json">JSON</a></li>
        <li>Séries (valeur par indicateur, territoire et date) : <a href="/api/export/series.csv">CSV</a>, <a href="/api/export/series.json">JSON</a></li>
        <li>Constats de qualité des données : <a href="/api/export/findings.csv">CSV</a>, <a href="/api/export/findings.json">JSON</a></li>
        <li><a href="/api/docs">Documentation de l’API</a></li>
      </ul>
    </div>
  </footer>
</body>
</html>`.value}`;
}
