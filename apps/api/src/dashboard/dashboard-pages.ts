import { DEPARTMENTS, finalTargetFor, REGION_CODE, scopeOf, TERRITORIES } from '#domain';
import type { Finding, GovernanceFact, SheetView } from '#projections';
import type { SeriesPoint } from '../infrastructure/read-models.service.js';
import type { RoadmapInfo, SheetListItem, TerritorialFigure } from './dashboard-data.service.js';
import { cellMark, figureNotes, findingNote, governanceSection, sheetFindingsSection } from './dashboard-findings.js';
import { html, type SafeHtml } from './html.js';
import { EVENT_FR, FREQUENCY_FR, formatDay, formatDue, formatInstant, formatMilestoneDue, formatNumber, formatObserved, formatPrinted, formatValue, KIND_FR, REASON_FR, shownOutcome, STATUS_FR, UNIT_FR, ZONE_FR } from './labels-fr.js';
import { organisationName } from './organisation-names.js';
import { link, type PageContext } from './page-layout.js';
import { barChart, lineChart, milestoneTimeline, type LineSeries } from './svg-charts.js';

const pct = (n: number, d: number) => (d ? Math.round((n / d) * 100) : 0);
const statusBadge = (status: string) => html`<span class="badge badge-${status}">${STATUS_FR[status] ?? status}</span>`;
const orgs = (ids: string[]) => ids.map(organisationName).join(', ');
/** Pilots by name, each a link to its « Mes fiches » page. */
const pilotLinks = (ids: string[]) => ids.map((id, i) => html`${i ? ', ' : ''}<a href="${link(`/organisations/${encodeURIComponent(id)}`, { asOf: null })}">${organisationName(id)}</a>`);

function progress(label: string, done: number, total: number): SafeHtml {
  if (total === 0) return html`<span class="muted">aucun</span>`;
  return html`<span class="progress-cell"><progress max="${total}" value="${done}" aria-label="${label} : ${done} sur ${total}"></progress><span aria-hidden="true">${done}/${total}</span></span>`;
}

export function versionsNav(roadmap: RoadmapInfo, version: string, ctx: PageContext): SafeHtml {
  return html`<nav class="versions" aria-label="Versions de la feuille de route"><ul>
    ${roadmap.versions.map((v) => html`<li><a href="${link('/', ctx, { version: v.version })}"${v.version === version ? html` aria-current="page"` : ''}>${v.version}${v.adoptedOn ? html` <span class="muted">(${formatDay(v.adoptedOn)})</span>` : v.status === 'superseded' ? html` <span class="muted">(${v.draftedOnFr ? `rédigée ${v.draftedOnFr}, ` : ''}remplacée)</span>` : html` <span class="muted">(projet)</span>`}</a></li>`)}
  </ul></nav>`;
}

export function overviewPage(roadmap: RoadmapInfo, version: string, sheets: SheetListItem[], ctx: PageContext, governance: readonly GovernanceFact[] = []): SafeHtml {
  const v = roadmap.versions.find((x) => x.version === version);
  const count = (s: string) => sheets.filter((x) => shownOutcome(x.outcome, x.status) === s).length;
  const milestones = sheets.reduce((a, s) => a + s.milestones, 0);
  const reached = sheets.reduce((a, s) => a + s.milestonesReached, 0);
  const indicators = sheets.reduce((a, s) => a + s.indicators, 0);
  const reported = sheets.reduce((a, s) => a + s.indicatorsReported, 0);
  const groups = [...roadmap.enjeux.map((e) => ({ key: e.enjeuId as string | null, title: `Enjeu ${e.number} — ${e.title}`, label: e.enjeuId })), { key: null, title: 'Enjeu non précisé', label: 'autre' }];
  return html`
    <h1>${roadmap.title}</h1>
    <p class="lede" id="resume" data-live-region>Version ${version}${v?.adoptedOn ? html`, adoptée le ${formatDay(v.adoptedOn)}${v.adoptedBy ? html` par ${organisationName(v.adoptedBy)}` : ''}` : v?.status === 'superseded' ? html`${v.draftedOnFr ? `, rédigée ${v.draftedOnFr}` : ''}, remplacée par ${v.supersededBy ?? 'la version suivante'} sans adoption connue` : ' (en préparation)'} — ${sheets.length} fiches.</p>
    ${versionsNav(roadmap, version, ctx)}
    <div id="donnees" data-live-region>
    <section aria-labelledby="chiffres-cles">
      <h2 id="chiffres-cles" class="visually-hidden">Chiffres clés</h2>
      <ul class="kpis">
        <li><span class="kpi-value">${sheets.length}</span> <span class="kpi-label">fiches, dont ${count('active')} en cours, ${count('completed')} terminées, ${count('abandoned')} abandonnées${count('completed_or_not_renewed') ? html`, ${count('completed_or_not_renewed')} achevées ou non reconduites` : ''}${count('unstated') ? html`, ${count('unstated')} non reprises sans motif indiqué` : ''}${count('carried_over') ? html`, ${count('carried_over')} reconduites` : ''}</span></li>
        <li><span class="kpi-value">${pct(reached, milestones)} %</span> <span class="kpi-label">des jalons atteints (${reached} sur ${milestones})</span></li>
        <li><span class="kpi-value">${pct(reported, indicators)} %</span> <span class="kpi-label">des indicateurs renseignés (${reported} sur ${indicators})</span></li>
      </ul>
    </section>
    ${groups.map((g) => {
      const rows = sheets.filter((s) => s.enjeu === g.key);
      if (rows.length === 0) return '';
      const id = `enjeu-${g.label}`;
      return html`<section class="enjeu" aria-labelledby="${id}">
        <h2 id="${id}">${g.title}</h2>
        <div class="table-scroll"><table class="sheets">
          <caption class="visually-hidden">Fiches de l’enjeu, avec leur statut et leur avancement</caption>
          <thead><tr><th scope="col">N°</th><th scope="col">Fiche</th><th scope="col">Type</th><th scope="col">Pilotes</th><th scope="col">Statut</th><th scope="col">Jalons atteints</th><th scope="col">Indicateurs renseignés</th></tr></thead>
          <tbody>${rows.map((s) => html`<tr>
            <td class="num">${s.number ?? '—'}</td>
            <th scope="row"><a href="${link(`/fiches/${encodeURIComponent(s.sheetId)}`, ctx, { version: s.currentVersion && s.currentVersion !== version ? version : null })}">${s.title}</a></th>
            <td>${s.kind ? KIND_FR[s.kind] ?? s.kind : '—'}</td>
            <td class="pilots">${orgs(s.pilots)}</td>
            <td>${statusBadge(shownOutcome(s.outcome, s.status))}</td>
            <td>${progress('Jalons atteints', s.milestonesReached, s.milestones)}</td>
            <td>${progress('Indicateurs renseignés', s.indicatorsReported, s.indicators)}</td>
          </tr>`)}</tbody>
        </table></div>
      </section>`;
    })}
    </div>
    ${governanceSection(version, governance)}`;
}

function indicatorBlock(doc: SheetView, ind: SheetView['indicators'][number], points: SeriesPoint[], index: number): SafeHtml {
  // The target of the latest regional value's own scope; without a value, the region's.
  const targetScope = (() => { try { return scopeOf(ind.latest ?? { territory: REGION_CODE }); } catch { return null; } })();
  const target = targetScope ? finalTargetFor(ind, targetScope) : null;
  const regional = points.filter((p) => p.territory === null || p.territory === REGION_CODE);
  const byZone = new Map<string, SeriesPoint[]>();
  for (const p of regional) byZone.set(p.zone ?? '', [...(byZone.get(p.zone ?? '') ?? []), p]);
  const series: LineSeries[] = [...byZone].map(([zone, pts]) => ({ label: zone ? `Région — ${ZONE_FR[zone] ?? zone}` : 'Région', points: pts.map((p) => ({ date: p.observedOn, value: p.value })) }));
  const id = `indicateur-${index + 1}`;
  const unit = UNIT_FR[ind.unit] ?? ind.unit;
  const latest = ind.latest;
  const describe = [
    latest ? `Dernière valeur régionale : ${formatPrinted(latest.value, ind.unit, latest.qualifier)} ${formatObserved(latest.observed, latest.observedOn)}.` : 'Aucune valeur régionale publiée.',
    target ? `Cible : ${formatPrinted(target.value, ind.unit, target.qualifier)}${target.due ? ` ${formatObserved(target.due, target.by)}` : ' (sans échéance)'}.` : 'Pas de cible chiffrée.',
  ].join(' ');
  const intermediate = target && target.by ? ind.targets.filter((t) => t.by !== null && t.by < target.by! && t.territory === target.territory && t.zone === target.zone) : [];
  const chart = series.length || (target && regional.length) ? lineChart({ title: `${ind.name} : valeurs publiées et cible`, description: describe, unit: ind.unit, series, target: target && target.by ? { value: target.value, by: target.by, printed: `${formatPrinted(target.value, ind.unit, target.qualifier)} ${formatObserved(target.due, target.by)}` } : null }) : null;
  return html`<section class="indicator" aria-labelledby="${id}">
    <h3 id="${id}">${ind.name}</h3>
    <p class="meta">Unité : ${unit}. ${describe}${intermediate.length ? html` Cibles intermédiaires : ${intermediate.map((t) => `${formatPrinted(t.value, ind.unit, t.qualifier)} ${formatObserved(t.due, t.by)}`).join(' ; ')}.` : ''}</p>
    ${target && latest && target.value > 0 ? html`<p class="progress-cell"><progress max="${target.value}" value="${Math.min(latest.value, target.value)}" aria-label="Avancement vers la cible : ${pct(latest.value, target.value)} %"></progress> <span>${pct(latest.value, target.value)} % de la cible</span></p>` : ''}
    ${chart ? html`<figure class="chart-figure">${chart}<figcaption>${ind.name} — ${describe}</figcaption></figure>` : ''}
    ${points.length ? html`<details${chart ? '' : html` open`}><summary>Tableau des valeurs (${points.length})</summary>
      <div class="table-scroll"><table class="values">
        <caption class="visually-hidden">Valeurs publiées pour « ${ind.name} »</caption>
        <thead><tr><th scope="col">Date</th><th scope="col">Territoire</th><th scope="col">Zone</th><th scope="col" class="num">Valeur</th></tr></thead>
        <tbody>${points.map((p) => html`<tr><td>${formatObserved(p.observed, p.observedOn)}</td><td>${TERRITORIES[p.territory ?? REGION_CODE] ?? p.territory}</td><td>${p.zone ? ZONE_FR[p.zone] ?? p.zone : '—'}</td><td class="num">${formatPrinted(p.value, ind.unit, p.qualifier)}${p.corrected ? html` <abbr title="valeur corrigée">(c)</abbr>` : ''}</td></tr>`)}</tbody>
      </table></div></details>` : html`<p class="muted">Aucune valeur publiée${doc.status === 'active' ? ' pour l’instant' : ''}.</p>`}
  </section>`;
}

function describeEvent(doc: SheetView, e: { type: string; data: Record<string, any> }): string {
  const d = e.data;
  const indName = (id: string) => doc.indicators.find((i) => i.indicatorId === id)?.name ?? id;
  const msTitle = (id: string) => doc.milestones.find((m) => m.milestoneId === id)?.title ?? id;
  const unitOf = (id: string) => doc.indicators.find((i) => i.indicatorId === id)?.unit ?? 'number';
  switch (e.type) {
    case 'SheetCreated': return `Fiche ${d.number} « ${d.title} » (version ${d.version})`;
    case 'SheetRevised': return `Champs modifiés : ${Object.keys(d.changes ?? {}).join(', ')}${d.reason ? ` — ${d.reason}` : ''}`;
    case 'IndicatorAdded': return d.indicator?.name ?? '';
    case 'MilestoneAdded': return d.milestone?.title ?? '';
    case 'IndicatorTargetSet': return `${indName(d.indicatorId)} : ${formatPrinted(d.target.value, unitOf(d.indicatorId), d.target.qualifier)}${d.target.due ? ` ${formatObserved(d.target.due, null)}` : ''}`;
    case 'IndicatorReported': return `${indName(d.indicatorId)} : ${formatPrinted(d.value, unitOf(d.indicatorId), d.qualifier)} ${formatObserved(d.observed, d.observedOn)}${d.territory ? ` (${TERRITORIES[d.territory] ?? d.territory}${d.zone ? `, ${ZONE_FR[d.zone] ?? d.zone}` : ''})` : ''}`;
    case 'IndicatorReportCorrected': return `${indName(d.indicatorId)} : ${formatPrinted(d.value, unitOf(d.indicatorId), d.qualifier)} ${formatObserved(d.observed, d.observedOn)} — ${d.reason}`;
    case 'MilestoneReached': return `${msTitle(d.milestoneId)}, ${formatObserved(d.reached, d.reachedOn)}`;
    case 'MilestoneRescheduled': return `${msTitle(d.milestoneId)} : nouvelle échéance ${formatDue(d.due)}${d.reason ? ` — ${d.reason}` : ''}`;
    case 'MilestoneDefinitionCorrected': return `${msTitle(d.milestoneId)} : échéance ${formatMilestoneDue(d as { due: string | null })} au lieu de ${formatMilestoneDue(d.previous)} — ${d.reason}`;
    case 'ProjectCompleted': return `Le ${formatDay(d.completedOn)}${d.summary ? ` — ${d.summary}` : ''}`;
    case 'ProjectAbandoned': return `Le ${formatDay(d.effectiveOn)} (${REASON_FR[d.reason] ?? d.reason}) — ${d.explanation}`;
    case 'SheetRetired': return `En ${d.version} (${REASON_FR[d.reason] ?? d.reason})${d.mergedInto ? `, fusionnée dans ${d.mergedInto}` : ''} — ${d.explanation}`;
    case 'SheetCarriedOver': return `De ${d.fromVersion} vers ${d.toVersion}`;
    case 'IndicatorFrequencySet': return `${indName(d.indicatorId)} : ${d.frequency ? `saisie ${FREQUENCY_FR[d.frequency] ?? d.frequency}` : 'sans fréquence'}`;
    default: return '';
  }
}

export function sheetPage(
  doc: SheetView, roadmap: RoadmapInfo | null, series: Map<string, SeriesPoint[]>,
  history: Array<{ type: string; recordedAt: string; validOn: string | null; data: Record<string, unknown> }>, ctx: PageContext,
  findings: readonly Finding[] = [],
): SafeHtml {
  const enjeu = roadmap?.enjeux.find((e) => e.enjeuId === doc.enjeu);
  const asOfDay = ctx.asOf ?? ctx.today;
  const timeline = milestoneTimeline({
    title: `Jalons de la fiche ${doc.number ?? doc.title} : prévus et atteints`,
    description: `${doc.milestones.filter((m) => m.reachedOn).length} jalons atteints sur ${doc.milestones.length}. Bandes : période prévue ; points : date atteinte ; le détail est dans le tableau qui suit.`,
    items: doc.milestones.map((m) => ({ title: m.title, due: m.due, reachedOn: m.reachedOn })),
    today: asOfDay,
  });
  const shownHistory = history.slice(-60).reverse();
  return html`
    <nav class="breadcrumb" aria-label="Fil d’Ariane"><ol><li><a href="${link('/', ctx, { version: doc.version })}">Feuille de route ${doc.version}</a></li><li aria-current="page">Fiche ${doc.number ?? doc.title}</li></ol></nav>
    <h1>${doc.number ? html`<span class="sheet-number">Fiche ${doc.number}</span> ` : ''}${doc.title}</h1>
    <p class="lede" id="fiche-statut" data-live-region>${statusBadge(doc.status)} ${doc.kind ? KIND_FR[doc.kind] ?? doc.kind : ''}${enjeu ? html` — Enjeu ${enjeu.number} : ${enjeu.title}` : ''}</p>
    <dl class="facts" id="fiche-faits" data-live-region>
      ${doc.objective ? html`<div><dt>Objectif</dt><dd>${doc.objective}</dd></div>` : ''}
      <div><dt>Pilotes</dt><dd>${doc.pilots.length ? pilotLinks(doc.pilots) : '—'}</dd></div>
      ${doc.partners.length ? html`<div><dt>Partenaires</dt><dd>${orgs(doc.partners)}</dd></div>` : ''}
      <div><dt>Versions</dt><dd>${doc.versions.map((v) => `${v.version} (n° ${v.number})`).join(', ')}</dd></div>
      ${doc.outcome ? html`<div><dt>${doc.outcome.outcome === 'completed' ? 'Terminée' : 'Abandonnée'}</dt><dd>le ${formatDay(doc.outcome.on)}${doc.outcome.outcome === 'abandoned' ? html` — ${REASON_FR[doc.outcome.reason!] ?? doc.outcome.reason} : ${doc.outcome.explanation}` : doc.outcome.explanation ? html` — ${doc.outcome.explanation}` : ''}</dd></div>` : ''}
      ${doc.retired ? html`<div><dt>Retirée</dt><dd>en ${doc.retired.version} (${REASON_FR[doc.retired.reason] ?? doc.retired.reason})${doc.retired.mergedInto ? html`, fusionnée dans <a href="${link(`/fiches/${doc.retired.mergedInto}`, ctx)}">${doc.retired.mergedInto}</a>` : ''} — ${doc.retired.explanation}</dd></div>` : ''}
    </dl>
    ${sheetFindingsSection(findings, doc.sheetId, ctx)}

    <section aria-labelledby="indicateurs" id="section-indicateurs" data-live-region>
      <h2 id="indicateurs">Indicateurs (${doc.indicators.length})</h2>
      ${doc.indicators.length ? doc.indicators.map((ind, i) => indicatorBlock(doc, ind, series.get(ind.indicatorId) ?? [], i)) : html`<p class="muted">Cette fiche n’a pas d’indicateur.</p>`}
    </section>

    <section aria-labelledby="jalons" id="section-jalons" data-live-region>
      <h2 id="jalons">Jalons : prévus et atteints</h2>
      ${timeline ? html`<figure class="chart-figure">${timeline}<figcaption>Une ligne par jalon, numérotée comme dans le tableau. Bandes bleues : période prévue (rouge : échéance dépassée sans que le jalon soit atteint) ; points verts : date où le jalon a été atteint ; trait vertical : ${ctx.asOf ? 'date consultée' : 'aujourd’hui'}.</figcaption></figure>` : ''}
      ${doc.milestones.length ? html`<div class="table-scroll"><table class="milestones">
        <caption class="visually-hidden">Jalons de la fiche, dans l’ordre de la frise</caption>
        <thead><tr><th scope="col">N°</th><th scope="col">Jalon</th><th scope="col">Échéance prévue</th><th scope="col">Atteint le</th><th scope="col">Replanifications</th></tr></thead>
        <tbody>${doc.milestones.map((m, i) => html`<tr><td class="num">${i + 1}</td><th scope="row">${m.title}</th><td>${formatMilestoneDue(m)}</td><td>${m.reachedOn ? html`<span class="reached-text">${formatObserved(m.reached, m.reachedOn)}</span>` : html`<span class="muted">non atteint</span>`}</td><td>${m.rescheduled.length ? m.rescheduled.map((r) => `${formatDue(r.from)} → ${formatDue(r.to)}`).join(' ; ') : '—'}</td></tr>`)}</tbody>
      </table></div>` : html`<p class="muted">Cette fiche n’a pas de jalon.</p>`}
    </section>

    <section aria-labelledby="historique" id="section-historique" data-live-region>
      <h2 id="historique">Historique</h2>
      <p class="muted">Chaque modification est conservée : ${history.length} enregistrements${history.length > shownHistory.length ? html`, les ${shownHistory.length} plus récents ci-dessous` : ''}.</p>
      <ol class="history" reversed>
        ${shownHistory.map((e) => html`<li><span class="history-when"><time datetime="${e.recordedAt}">${formatInstant(e.recordedAt)}</time></span> <strong>${EVENT_FR[e.type] ?? e.type}</strong>${e.validOn ? html` <span class="muted">(fait du ${formatDay(e.validOn)})</span>` : ''} — ${describeEvent(doc, e as { type: string; data: Record<string, any> })}</li>`)}
      </ol>
    </section>`;
}

const territoryOrder = [REGION_CODE, ...Object.keys(DEPARTMENTS)];

export function infrastructurePage(figures: TerritorialFigure[], ctx: PageContext, findings: readonly Finding[] = []): SafeHtml {
  return html`
    <h1>Infrastructures numériques par département</h1>
    <div id="donnees" data-live-region>
    <p class="lede">Indicateurs publiés par département (dernière valeur connue${ctx.asOf ? html` au ${formatDay(ctx.asOf)}` : ''}), avec le total régional quand la source le donne.</p>
    ${figures.length === 0 ? html`<p>Aucun indicateur départemental n’a été publié${ctx.asOf ? ' à cette date' : ''}.</p>` : ''}
    ${figures.map((f, i) => {
      const zones = [...new Set(f.rows.map((r) => r.zone))].sort((a, b) => (a ?? '~').localeCompare(b ?? '~'));
      const value = (t: string, z: string | null) => f.rows.find((r) => (r.territory ?? REGION_CODE) === t && r.zone === z)?.value;
      const chartZone = zones.includes(null) ? null : zones[0]!;
      const bars = Object.entries(DEPARTMENTS).filter(([code]) => value(code, chartZone) !== undefined).map(([code, name]) => ({ label: `${name} (${code})`, value: value(code, chartZone)! }));
      const zoneLabel = (z: string | null) => (z ? ZONE_FR[z] ?? z : 'Ensemble');
      const id = `infra-${i + 1}`;
      const total = value(REGION_CODE, chartZone);
      return html`<section class="infra" aria-labelledby="${id}">
        <h2 id="${id}">${f.name}</h2>
        <p class="meta">Fiche <a href="${link(`/fiches/${encodeURIComponent(f.sheetId)}`, ctx)}">${f.sheetTitle}</a> — valeurs au ${formatDay(f.date)}${total !== undefined ? html` — total régional (${zoneLabel(chartZone).toLowerCase()}) : ${formatValue(total, f.unit)}` : ''}.</p>
        ${total !== undefined ? findingNote(findings, { sheetId: f.sheetId, indicatorId: f.indicatorId, territory: REGION_CODE, zone: chartZone }, ctx) : ''}
        ${bars.length ? html`<figure class="chart-figure">${barChart({
          title: `${f.name} par département (${zoneLabel(chartZone).toLowerCase()}), au ${formatDay(f.date)}`,
          description: bars.map((b) => `${b.label} : ${formatValue(b.value, f.unit)}`).join(' ; '),
          unit: f.unit, bars,
        })}<figcaption>${f.name} par département — ${zoneLabel(chartZone)}. Le tableau ci-dessous donne toutes les valeurs.</figcaption></figure>` : ''}
        <div class="table-scroll"><table class="territories">
          <caption>${f.name} au ${formatDay(f.date)}, par territoire${zones.length > 1 ? ' et par zone' : ''}</caption>
          <thead><tr><th scope="col">Territoire</th>${zones.map((z) => html`<th scope="col" class="num">${zoneLabel(z)}</th>`)}</tr></thead>
          <tbody>${territoryOrder.filter((t) => zones.some((z) => value(t, z) !== undefined)).map((t) => html`<tr${t === REGION_CODE ? html` class="total"` : ''}><th scope="row">${TERRITORIES[t]} (${t})</th>${zones.map((z) => { const v = value(t, z); return html`<td class="num">${v === undefined ? '—' : formatValue(v, f.unit)}${v === undefined ? '' : cellMark(findings, { sheetId: f.sheetId, indicatorId: f.indicatorId, territory: t, zone: z }, ctx)}</td>`; })}</tr>`)}</tbody>
        </table></div>
        ${figureNotes(findings, { sheetId: f.sheetId, indicatorId: f.indicatorId, cells: territoryOrder.flatMap((t) => zones.filter((z) => value(t, z) !== undefined && !(t === REGION_CODE && z === chartZone)).map((z) => ({ territory: t, zone: z }))) }, ctx)}
      </section>`;
    })}
    </div>`;
}

export function versionsPage(roadmap: RoadmapInfo, from: string, to: string, fromSheets: SheetListItem[], toSheets: SheetListItem[], ctx: PageContext): SafeHtml {
  const toById = new Map(toSheets.map((s) => [s.sheetId, s]));
  const fromIds = new Set(fromSheets.map((s) => s.sheetId));
  const added = toSheets.filter((s) => !fromIds.has(s.sheetId));
  const outcomeOf = (s: SheetListItem) => (s.outcome ? shownOutcome(s.outcome, s.status) : s.status);
  const tally = (o: string) => fromSheets.filter((s) => outcomeOf(s) === o).length;
  const diffUrl = `/api/roadmaps/${encodeURIComponent(roadmap.roadmapId)}/diff?from=${from}&to=${to}`;
  return html`
    <h1>Évolutions de ${from} à ${to}</h1>
    <div id="donnees" data-live-region>
    <p class="lede">Devenir des ${fromSheets.length} fiches de la version ${from} dans la version ${to} : ${tally('carried_over')} reconduites, ${tally('completed')} terminées, ${tally('abandoned')} abandonnées${tally('completed_or_not_renewed') ? html`, ${tally('completed_or_not_renewed')} achevées ou non reconduites` : ''}${tally('unstated') ? html`, ${tally('unstated')} non reprises sans motif indiqué` : ''}, ${tally('retired')} retirées${tally('active') ? html`, ${tally('active')} sans décision enregistrée` : ''} ; ${added.length} nouvelles fiches en ${to}.</p>
    <p>Le détail champ par champ (titres, pilotes, indicateurs et jalons modifiés) est publié par l’API : <a href="${diffUrl}">différences ${from} → ${to} (JSON)</a>.</p>
    <section aria-labelledby="devenir">
      <h2 id="devenir">Fiches de la version ${from}</h2>
      <div class="table-scroll"><table class="sheets">
        <caption class="visually-hidden">Chaque fiche de ${from} et ce qu’elle est devenue en ${to}</caption>
        <thead><tr><th scope="col">N° ${from}</th><th scope="col">Fiche</th><th scope="col">Devenir</th><th scope="col">N° ${to}</th><th scope="col">Précisions</th></tr></thead>
        <tbody>${fromSheets.map((s) => {
          const next = toById.get(s.sheetId);
          const o = s.outcome;
          return html`<tr>
            <td class="num">${s.number ?? '—'}</td>
            <th scope="row"><a href="${link(`/fiches/${encodeURIComponent(s.sheetId)}`, ctx)}">${s.title}</a></th>
            <td>${statusBadge(outcomeOf(s))}</td>
            <td class="num">${next ? next.number : '—'}</td>
            <td>${[o?.reason ? REASON_FR[o.reason] ?? o.reason : null, o?.mergedInto ? `fusionnée dans ${o.mergedInto}` : null, o?.explanation, next && next.title !== s.title ? `devenue « ${next.title} »` : null].filter(Boolean).join(' — ') || '—'}</td>
          </tr>`;
        })}</tbody>
      </table></div>
    </section>
    <section aria-labelledby="nouvelles">
      <h2 id="nouvelles">Nouvelles fiches en ${to} (${added.length})</h2>
      ${added.length ? html`<ul class="new-sheets">${added.map((s) => html`<li><span class="num">${s.number}</span> <a href="${link(`/fiches/${encodeURIComponent(s.sheetId)}`, ctx)}">${s.title}</a></li>`)}</ul>` : html`<p class="muted">Aucune.</p>`}
    </section>
    </div>`;
}

export function messagePage(title: string, message: string): SafeHtml {
  return html`<h1>${title}</h1><p>${message}</p>`;
}

export { formatNumber };
