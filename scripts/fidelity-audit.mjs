#!/usr/bin/env node
// Compares what a running tracker serves with what the SCORAN V4 document prints.
//
//   node scripts/fidelity-audit.mjs [--base http://localhost:3999] [--write]
//
// "Printed" facts come from the seed files (every one carries a verbatim quote checked against the
// source by tests/seed/seed-data.int.spec.ts) and from governance.json; how each date or figure is
// printed is read from its quote by the rules below. "Served" facts are read from the HTTP API.
// Each fact gets a verdict: `right` (served as printed), `wrong` (served differently: the loss class
// says how) or `judgement` (the document leaves a choice; README.md "Judgement calls" lists them).
// With --write, the facts go to tests/seed/fixtures/fidelity-facts.json and the tables replace the
// block between the audit markers of docs/fidelity-audit.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const base = args.includes('--base') ? args[args.indexOf('--base') + 1] : 'http://localhost:3999';
const write = args.includes('--write');
const root = process.cwd();
const seedDir = join(root, 'seeds', 'scoran-centre-val-de-loire');
const load = (name) => JSON.parse(readFileSync(join(seedDir, name), 'utf8'));
const roadmapSeed = load('roadmap.json');
const sheetsV4 = load('sheets-v4.json');
const sheetsV3 = load('sheets-v3.json');
const infrastructure = load('infrastructure.json');
const v3Figures = load('v3-figures.json');
const discrepancies = load('discrepancies.json');
const governance = load('governance.json');
const DOCUMENT_DAY = '2023-06-26';
// The source as the seed tests read it: Markdown removed, whitespace collapsed (seeds README, Provenance).
const sourceLines = readFileSync(join(seedDir, 'source', 'scoran-v4-2023-06.txt'), 'utf8').split('\n').map((line) =>
  line.replace(/\[([^\]]+)\]\(#\)/g, '$1').replace(/\*\*([^*]+)\*\*/g, '$1').replace(/\*([^*]+)\*/g, '$1').replace(/\^\{(\w+)\}/g, '$1').replace(/\^(\w+)/g, '$1').replace(/\s+/g, ' ').trim().toLowerCase());
/** An indicator name is the document's words when it stands in the text, capital letter aside. */
const inSource = (name) => sourceLines.some((line) => line.includes(name.toLowerCase()));
/** Verdict for a name: as printed, or composed from a split item (README judgement call 17) and served as composed. */
const nameVerdict = (printed, served) => (printed !== served ? 'wrong' : inSource(printed) ? 'right' : 'judgement');
const ROADMAP = roadmapSeed.roadmapId;

async function get(path) {
  const response = await fetch(base + path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return path.endsWith('.csv') ? response.text() : response.json();
}

const facts = [];
/** One checked fact. `printed` is what the document says, `served` what the API answered. */
function fact(section, id, { quote = null, endpoint, field, printed, served, verdict, loss = [], note = null }) {
  facts.push({ id, section, quote, endpoint, field, printed, served: served === undefined ? null : served, verdict, loss: verdict === 'wrong' ? loss : [], note });
}
const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const check = (section, id, opts) => fact(section, id, { ...opts, verdict: opts.verdict ?? (same(opts.printed, opts.served) ? 'right' : 'wrong') });

// ---- How a date is printed, read from the quote that gives it --------------------------------
// Returns the date in the notation of libs/domain/src/shared/dated.ts (day, month, quarter, year,
// "-late" for "fin", relative horizons kept as words) so that a served day can be compared with it.
const MONTHS = { janvier: '01', 'février': '02', fev: '02', mars: '03', avril: '04', mai: '05', juin: '06', juillet: '07', 'août': '08', septembre: '09', octobre: '10', novembre: '11', 'décembre': '12' };
function printedDateOf(quote, servedDay) {
  let m;
  if ((m = /(\d{2})\/(\d{2})\/(\d{4})/.exec(quote))) return `${m[3]}-${m[2]}-${m[1]}`;
  if ((m = /T([1-4]) (\d{4})/.exec(quote))) return `${m[2]}-Q${m[1]}`;
  if ((m = /(\d)e trimestre (?:de )?(\d{4})/i.exec(quote))) return `${m[2]}-Q${m[1]}`;
  if ((m = /quatrième trimestre (?:de )?(\d{4})/.exec(quote))) return `${m[1]}-Q4`;
  if ((m = /[Ff]in (\d{4})/.exec(quote))) return `${m[1]}-late`;
  if ((m = /en ([a-zéû]+) (\d{4})/.exec(quote)) && MONTHS[m[1]]) return `${m[2]}-${MONTHS[m[1]]}`;
  if (/en 2021 et 2022/.test(quote)) return servedDay?.slice(0, 4) ?? null;
  if ((m = /en (\d{4})/.exec(quote))) return m[1];
  return null;
}
const precisionOf = (label) => {
  if (label === null) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(label)) return 'day';
  if (/^\d{4}-\d{2}$/.test(label)) return 'month';
  if (/-Q\d$/.test(label)) return 'quarter';
  if (/-S\d$/.test(label)) return 'half';
  if (/-late$/.test(label)) return 'late';
  if (/^\d{4}$/.test(label)) return 'year';
  return 'other';
};
/** A served calendar day is right only when the document printed that day. */
function dayVerdict(printed, served) {
  if (served === null || served === undefined) return { verdict: printed === null ? 'right' : 'wrong', loss: printed === null ? [] : ['value-dropped'] };
  if (printed === served) return { verdict: 'right', loss: [] };
  const loss = ['date-precision'];
  if (/^\d{4}-\d{2}-\d{2}$/.test(served) && served > DOCUMENT_DAY && printed && !/^\d{4}-\d{2}-\d{2}$/.test(printed)) loss.push('later-than-document');
  return { verdict: 'wrong', loss };
}

// ---- Qualifiers, read from the quote --------------------------------------------------------
function printedQualifierOf(quote, value) {
  const n = String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ' ').replace('.', ',');
  if (new RegExp(`un peu plus de ${n}`).test(quote)) return 'slightly_more_than';
  if (new RegExp(`plus de ${n}`).test(quote)) return 'more_than';
  if (new RegExp(`environ ${n}`).test(quote)) return 'about';
  return 'exact';
}

const enjeuSection = { transversal: 'Partie I – Enjeu transversal', inclusion: "Partie I – Enjeu d'inclusion", performance: 'Partie I – Enjeu de performance', avenir: "Partie I – Enjeu d'avenir" };

async function main() {
  const roadmap = await get(`/api/roadmaps/${ROADMAP}`);
  const listV4 = await get('/api/sheets?version=V4');
  const listV3 = await get('/api/sheets?version=V3');
  const assessment = await get(`/api/roadmaps/${ROADMAP}/versions/V3/assessment?format=json`);
  const rollupV3 = await get(`/api/roadmaps/${ROADMAP}/rollup?version=V3`);
  const dataQuality = await get(`/api/roadmaps/${ROADMAP}/data-quality`);
  const seriesCsv = await get('/api/export/series.csv');
  const indicatorsCsv = await get('/api/export/indicators.csv');

  // ---- Cover, Rappel, Annexe 3 introduction: the roadmap and its versions ----------------------
  const sRappel = 'Rappel des objectifs de la SCORAN et principes d\'actions';
  check('Couverture', 'roadmap/title', { quote: roadmapSeed.provenance?.quote ?? null, endpoint: `/api/roadmaps/${ROADMAP}`, field: 'title', printed: roadmapSeed.title, served: roadmap.title, verdict: 'judgement', note: 'three wordings in the document (README judgement call 3; discrepancy roadmap-title-variants)' });
  for (const e of roadmapSeed.enjeux) {
    const served = roadmap.enjeux.find((x) => x.enjeuId === e.enjeuId);
    check(enjeuSection[e.enjeuId], `enjeu/${e.enjeuId}/title`, { endpoint: `/api/roadmaps/${ROADMAP}`, field: 'enjeux[].title', printed: e.title, served: served?.title, verdict: e.enjeuId === 'inclusion' ? 'judgement' : undefined, note: e.enjeuId === 'inclusion' ? 'Favoriser / Garantir (discrepancy enjeu-inclusion-title)' : null });
    check(enjeuSection[e.enjeuId], `enjeu/${e.enjeuId}/number`, { endpoint: `/api/roadmaps/${ROADMAP}`, field: 'enjeux[].number', printed: e.number, served: served?.number, verdict: 'judgement', note: 'from the sheet numbers; Partie I counts inclusion as the first enjeu (discrepancy enjeu-ordinals)' });
  }
  for (const v of roadmapSeed.versions) {
    const served = roadmap.versions.find((x) => x.version === v.version);
    const section = v.version === 'V4' ? sRappel : 'Annexe 3 – introduction';
    const adopted = v.adoptedOn !== null;
    const printedAdoption = !adopted ? null : v.adoptedOnPrecision === 'month' ? v.adoptedOn.slice(0, 7) : v.adoptedOn;
    check(section, `version/${v.version}/status`, { quote: v.provenance.quote, endpoint: `/api/roadmaps/${ROADMAP}`, field: 'versions[].status', printed: adopted ? 'adopted' : v.supersededBy ? 'superseded' : 'draft', served: served?.status, loss: adopted ? ['status-differs'] : ['drafted-served-as-adopted'], note: adopted ? null : 'drafted, never adopted, then replaced' });
    check(section, `version/${v.version}/adoptedOn`, { quote: v.provenance.quote, endpoint: `/api/roadmaps/${ROADMAP}`, field: 'versions[].adoptedOn', printed: printedAdoption, served: served?.adoptedOn ?? null, loss: adopted ? ['date-precision'] : ['invented-date', 'drafted-served-as-adopted'] });
    check(section, `version/${v.version}/adoptedBy`, { quote: v.provenance.quote, endpoint: `/api/roadmaps/${ROADMAP}`, field: 'versions[].adoptedBy', printed: v.adoptedBy, served: served?.adoptedBy ?? null });
    // The document dates the drafting of V1 and V2 by year only, and never dates the drafting of V3 or V4.
    const printedDraft = adopted ? null : String(v.year);
    check(section, `version/${v.version}/draftedOn`, { quote: v.provenance.quote, endpoint: `/api/roadmaps/${ROADMAP}`, field: 'versions[].draftedOn', printed: printedDraft, served: served?.draftedOn ?? null, loss: adopted ? ['invented-date'] : ['date-precision'] });
  }

  // ---- Partie II: governance -------------------------------------------------------------------
  for (const g of governance.facts) {
    check('Partie II – Gouvernance', `governance/${g.factId}`, { quote: g.provenance.quote, endpoint: `/api/roadmaps/${ROADMAP}`, field: 'governance.V4[].statement', printed: g.statement, served: roadmap.governance?.V4?.find((f) => f.factId === g.factId)?.statement ?? null, loss: ['not-modelled'] });
  }
  for (const g of governance.v3 ?? []) {
    const served = roadmap.governance?.V3?.find((f) => f.factId === g.factId)?.statement ?? null;
    check('Annexe 3 – 1. Gouvernance de la SCORAN V3', `governance/v3/${g.factId}`, { quote: g.provenance.quote, endpoint: `/api/roadmaps/${ROADMAP}`, field: 'governance.V3[].statement', printed: g.statement, served, loss: ['not-modelled'], note: served === null ? 'only as free text in versions[V3].facts' : null });
  }

  // ---- Annexe 1: the V4 sheets -----------------------------------------------------------------
  const v4Ids = new Set(sheetsV4.map((s) => s.sheetId));
  const v3Ids = new Set(sheetsV3.map((s) => s.sheetId));
  for (const s of sheetsV4) {
    const section = `Annexe 1 – fiche ${s.number}`;
    const endpoint = `/api/sheets/${s.sheetId}`;
    const detail = await get(endpoint);
    const listed = listV4.find((x) => x.sheetId === s.sheetId);
    for (const field of ['number', 'kind', 'enjeu', 'objective', 'theme', 'context', 'objectives']) {
      check(section, `sheet/${s.sheetId}/${field}`, { quote: field === 'number' ? s.provenance.quote : null, endpoint, field, printed: s[field], served: detail[field], verdict: field === 'objectives' && s.objectives === null ? 'judgement' : undefined, note: field === 'objectives' ? 'context/objectives split (judgement call 9)' : null });
    }
    check(section, `sheet/${s.sheetId}/title`, { quote: s.provenance.quote, endpoint, field: 'title', printed: s.title, served: detail.title, verdict: same(s.title, detail.title) ? 'judgement' : 'wrong', note: 'sentence case of the heading printed in capitals (judgement call 6)' });
    check(section, `sheet/${s.sheetId}/pilots`, { endpoint, field: 'pilots', printed: s.pilots, served: detail.pilots });
    check(section, `sheet/${s.sheetId}/partners`, { endpoint, field: 'partners', printed: s.partners, served: detail.partners });
    check(section, `sheet/${s.sheetId}/listed`, { endpoint: '/api/sheets?version=V4', field: 'number', printed: s.number, served: listed?.number ?? null });
    const continues = (s.continues ?? []).filter((c) => c !== s.sheetId);
    if (continues.length) check(section, `sheet/${s.sheetId}/continues`, { endpoint, field: 'continues', printed: continues, served: detail.continues });

    for (const i of s.indicators) {
      const served = detail.indicators.find((x) => x.indicatorId === i.indicatorId);
      const iid = `sheet/${s.sheetId}/indicator/${i.indicatorId}`;
      // The name as served: the first file that adds an indicator names it (v3-figures before sheets-v4).
      check(section, `${iid}/name`, { endpoint, field: 'indicators[].name', printed: i.name, served: served?.name ?? null, verdict: nameVerdict(i.name, served?.name ?? null), loss: ['label-differs'], note: inSource(i.name) ? null : 'composed from a split or unnamed item (judgement call 49)' });
      check(section, `${iid}/unit`, { endpoint, field: 'indicators[].unit', printed: i.unit, served: served?.unit ?? null, verdict: same(i.unit, served?.unit) ? 'judgement' : 'wrong', note: 'the document names no unit (judgement call 19)' });
      await checkTargetsAndReports(section, s.sheetId, i, served);
    }
    for (const m of s.milestones) {
      const served = detail.milestones.find((x) => x.milestoneId === m.milestoneId);
      const mid = `sheet/${s.sheetId}/milestone/${m.milestoneId}`;
      const quote = m.provenance?.quote ?? '';
      const dueRule = milestoneDueRule(quote, m.due);
      // A relative horizon is served beside a null due: the fact shows both.
      const servedDue = served?.horizon ? { due: served.due ?? null, horizon: served.horizon } : served?.due ?? null;
      fact(section, `${mid}/due`, { quote, endpoint, field: served?.horizon ? 'milestones[].due/horizon' : 'milestones[].due', printed: dueRule.printed, served: servedDue, ...dueRule.verdictFor(served?.due ?? null, served) });
      if (m.reached) {
        const rq = m.reached.provenance?.quote ?? quote;
        const printed = printedDateOf(rq, m.reached.reachedOn);
        fact(section, `${mid}/reached`, { quote: rq, endpoint, field: 'milestones[].reached', printed, served: served?.reached ?? null, ...dayVerdict(printed, served?.reached ?? null) });
      }
    }
  }

  async function checkTargetsAndReports(section, sheetId, i, servedIndicator, idPrefix = 'sheet') {
    const seriesPath = `/api/sheets/${sheetId}/indicators/${i.indicatorId}/series`;
    const iid = `${idPrefix}/${sheetId}/indicator/${i.indicatorId}`;
    const served = servedIndicator?.targets ?? [];
    (i.targets ?? []).forEach((t, n) => {
      const scopeOf = (x) => ({ territory: x.territory ?? null, zone: x.zone ?? null });
      const scoped = t.territory !== undefined || t.zone !== undefined;
      const sameScope = (x) => !scoped || same(scopeOf(x), scopeOf(t));
      // A scoped target is matched to the served target of its own territory and zone when there is one.
      const loose = served.filter((x) => x.value === t.value && (t.by === null || x.by === t.by));
      const match = scoped && loose.some(sameScope) ? loose.filter(sameScope) : loose;
      const hit = match[0] ?? null;
      const tid = `${iid}/target/${n}`;
      const endpoint = `/api/sheets/${sheetId}`;
      if (t.by === null) {
        fact(section, `${tid}/value`, { quote: t.provenance.quote, endpoint, field: 'indicators[].targets[]', printed: { value: t.value, by: null }, served: hit, verdict: hit ? 'right' : 'wrong', loss: hit ? [] : ['target-without-date-dropped'] });
        return;
      }
      // A target seen once on the sheet stands for every target of the same value and date: the others are gone.
      const sameValueAndDate = (i.targets ?? []).filter((x) => x.value === t.value && x.by === t.by && (!scoped || !loose.some(sameScope) || same(scopeOf(x), scopeOf(t))));
      const kept = sameValueAndDate.indexOf(t) < match.length;
      fact(section, `${tid}/value`, { quote: t.provenance.quote, endpoint, field: 'indicators[].targets[].value', printed: t.value, served: kept ? hit.value : null, verdict: kept ? 'right' : 'wrong', loss: kept ? [] : ['target-merged-away'] });
      const printedBy = printedTargetDate(t);
      const relative = printedBy === 'à 3 ans' || printedBy === 'sur 3 ans' || /^Année/.test(printedBy);
      const servedDue = kept && hit ? { due: hit.due ?? null, horizon: hit.horizon ?? null } : null;
      // A horizon relative to an unstated start is right only with its words kept; the dated `due` is then computed, not printed.
      const dueVerdict = !servedDue ? { verdict: 'wrong', loss: ['target-merged-away'] }
        : relative ? (servedDue.horizon === printedBy ? { verdict: 'judgement', note: `horizon kept; due ${servedDue.due} computed from an unstated start` } : { verdict: 'wrong', loss: ['relative-horizon-served-as-day'] })
        : servedDue.due === printedBy && servedDue.horizon === null ? { verdict: 'right' } : { verdict: 'wrong', loss: ['date-precision'] };
      fact(section, `${tid}/due`, { quote: t.provenance.quote, endpoint, field: 'indicators[].targets[].due/horizon', printed: printedBy, served: servedDue, ...dueVerdict });
      const printedTargetQualifier = printedQualifierOf(t.provenance.quote, t.value);
      const servedTargetQualifier = kept && hit ? hit.qualifier ?? null : null;
      fact(section, `${tid}/qualifier`, { quote: t.provenance.quote, endpoint, field: 'indicators[].targets[].qualifier', printed: printedTargetQualifier, served: servedTargetQualifier, verdict: printedTargetQualifier === servedTargetQualifier ? 'right' : 'wrong', loss: ['qualifier-dropped'] });
      if (t.territory !== undefined || t.zone !== undefined) {
        const printedScope = { territory: t.territory ?? null, zone: t.zone ?? null };
        const servedScope = kept && hit ? { territory: hit.territory ?? null, zone: hit.zone ?? null } : null;
        fact(section, `${tid}/scope`, { quote: t.provenance.quote, endpoint, field: 'indicators[].targets[].territory/zone', printed: printedScope, served: servedScope, verdict: same(printedScope, servedScope) ? 'right' : 'wrong', loss: ['target-scope-lost'] });
      }
    });
    if (!(i.reports ?? []).length) return;
    const series = await get(seriesPath);
    (i.reports ?? []).forEach((r, n) => {
      const rid = `${iid}/report/${n}`;
      // A row of the Annexe 2 table without its date: the row group says "T1 2023", the mobile figures "Date des données : 31/12/2022".
      const printed = printedDateOf(r.provenance.quote, r.observedOn) ?? (section.startsWith('Annexe 2 – I.') ? '2023-Q1' : section.startsWith('Annexe 2 – II.') ? '2022-12-31' : null);
      // Two documents' figures can share a value and a day (Annexe 3 "fin 2022", Annexe 2 "31/12/2022"): each report is matched to the point dated as it is printed when there is one.
      const points = series.points.filter((p) => p.value === r.value && p.observedOn === r.observedOn && (p.territory ?? null) === (r.territory ?? null) && (p.zone ?? null) === (r.zone ?? null));
      const point = points.find((p) => p.observed === printed) ?? points[0];
      fact(section, `${rid}/value`, { quote: r.provenance.quote, endpoint: seriesPath, field: 'points[].value/territory/zone', printed: { value: r.value, territory: r.territory ?? null, zone: r.zone ?? null }, served: point ? { value: point.value, territory: point.territory ?? null, zone: point.zone ?? null } : null, verdict: point ? 'right' : 'wrong', loss: point ? [] : ['report-dropped'] });
      const printedQualifier = printedQualifierOf(r.provenance.quote, r.value);
      const servedQualifier = point ? point.qualifier ?? null : null;
      fact(section, `${rid}/qualifier`, { quote: r.provenance.quote, endpoint: seriesPath, field: 'points[].qualifier', printed: printedQualifier, served: servedQualifier, verdict: printedQualifier === servedQualifier ? 'right' : 'wrong', loss: printedQualifier === servedQualifier ? [] : ['qualifier-dropped'] });
      fact(section, `${rid}/observed`, { quote: r.provenance.quote, endpoint: seriesPath, field: 'points[].observed', printed, served: point?.observed ?? null, ...dayVerdict(printed, point?.observed ?? null) });
    });
  }

  // ---- Annexe 2: infrastructure figures of sheet 2.1 ------------------------------------------
  const s21 = await get(`/api/sheets/${infrastructure.sheetId}`);
  for (const i of infrastructure.indicators) {
    const section = i.indicatorId.startsWith('prises') || i.indicatorId.startsWith('part') ? 'Annexe 2 – I. Fibrage' : 'Annexe 2 – II. Téléphonie mobile';
    const served = s21.indicators.find((x) => x.indicatorId === i.indicatorId);
    const v4Name = sheetsV4.find((s) => s.sheetId === infrastructure.sheetId).indicators.find((x) => x.indicatorId === i.indicatorId)?.name;
    // An indicator that sheet 2.1 lists has its name checked there, once.
    if (!v4Name) check(section, `annexe2/${i.indicatorId}/name`, { endpoint: `/api/sheets/${infrastructure.sheetId}`, field: 'indicators[].name', printed: v4Name ?? i.name, served: served?.name ?? null, verdict: nameVerdict(v4Name ?? i.name, served?.name ?? null), loss: ['label-differs'], note: v4Name ? 'sheet 2.1 names this indicator' : 'Annexe 2 names no indicator: the table\'s wording' });
    await checkTargetsAndReports(section, infrastructure.sheetId, i, served, 'annexe2');
  }
  const regionTotal = (await get(`/api/sheets/${infrastructure.sheetId}/indicators/prises-ftth-construites/series`)).points.find((p) => p.territory === '24' && p.zone === null);
  const totalFinding = (regionTotal?.findings ?? []).map((f) => (typeof f === 'string' ? f : f.findingId ?? f.id)).find((id) => id === 'ftth-region-total-built-excludes-amel') ?? null;
  const regionTotalServed = regionTotal ? { value: regionTotal.value, covers: 'all zones (zone null)', discrepancy: totalFinding } : null;
  fact('Annexe 2 – I. Fibrage', 'annexe2/prises-ftth-construites/region-total-scope', { quote: 'Total T1 2023 Prises construites 177 362 243 102 116 542 328 605 182 808 352 904 1 337 268', endpoint: `/api/sheets/${infrastructure.sheetId}/indicators/prises-ftth-construites/series`, field: 'points[territory=24,zone=null]', printed: { value: 1337268, covers: ['privee', 'publique'], discrepancy: 'ftth-region-total-built-excludes-amel' }, served: regionTotalServed, verdict: regionTotalServed?.value === 1337268 && regionTotalServed.discrepancy === 'ftth-region-total-built-excludes-amel' ? 'judgement' : 'wrong', loss: ['discrepancy-not-shown-on-figure'], note: 'the table labels it "Total" (all zones) but its sum leaves out the AMEL zone: served as labelled, with the finding on the point' });

  // ---- Annexe 3: V3 sheets, figures and assessment ---------------------------------------------
  for (const s of sheetsV3) {
    const section = s.provenance.section;
    const listed = listV3.find((x) => x.sheetId === s.sheetId);
    const endpoint = '/api/sheets?version=V3';
    check(section, `v3/${s.sheetId}/number`, { quote: s.provenance.quote, endpoint, field: 'number', printed: s.number, served: listed?.number ?? null, loss: ['v3-shown-with-v4-content'] });
    check(section, `v3/${s.sheetId}/enjeu`, { quote: s.provenance.quote, endpoint, field: 'enjeu', printed: s.enjeu, served: listed?.enjeu ?? null, loss: ['v3-shown-with-v4-content'] });
    check(section, `v3/${s.sheetId}/kind`, { quote: s.provenance.quote, endpoint, field: 'kind', printed: s.kind, served: listed?.kind ?? null, loss: ['v3-shown-with-v4-content'] });
    check(section, `v3/${s.sheetId}/pilots`, { quote: s.provenance.quote, endpoint, field: 'pilots', printed: [], served: listed?.pilots ?? null, loss: ['v3-shown-with-v4-content'], note: 'Annexe 3 names no V3 pilot' });
    check(section, `v3/${s.sheetId}/title`, { quote: s.provenance.quote, endpoint, field: 'title', printed: s.title, served: listed?.title ?? null, verdict: undefined, loss: ['v3-shown-with-v4-content'] });
    if (s.outcome === 'carried_over') {
      const detail = await get(`/api/sheets/${s.sheetId}?version=V3`);
      check(section, `v3/${s.sheetId}/detail-version`, { quote: s.provenance.quote, endpoint: `/api/sheets/${s.sheetId}?version=V3`, field: 'version/number/title', printed: { version: 'V3', number: null, title: s.title }, served: { version: detail.version, number: detail.number, title: detail.title }, loss: ['v3-shown-with-v4-content'] });
      const v4 = sheetsV4.find((x) => x.sheetId === s.continuedBy);
      check(section, `v3/${s.sheetId}/indicators-and-milestones`, { quote: s.provenance.quote, endpoint, field: 'indicators/milestones', printed: { indicators: v3Figures.filter((f) => f.sheetId === s.sheetId).length, milestones: 0 }, served: { indicators: listed?.indicators ?? null, milestones: listed?.milestones ?? null }, loss: ['v3-shown-with-v4-content'], note: `V4 sheet ${v4.number} has ${v4.indicators.length} indicators and ${v4.milestones.length} milestones` });
    } else {
      // "soit parce qu'ils sont achevés ou non reconduits" leaves the two open; the DPO offer is given no reason at all.
      const ambiguous = s.outcome === 'completed_or_not_renewed' || s.outcome === 'unstated';
      const printedReason = s.outcome === 'abandoned' ? 'insufficient_partners' : ambiguous ? s.outcome : s.reasonCode;
      const servedReason = listed?.outcome?.reason ?? null;
      check(section, `v3/${s.sheetId}/reason`, { quote: s.provenance.quote, endpoint, field: 'outcome.reason', printed: printedReason, served: servedReason, loss: ambiguous ? ['ambiguous-outcome-made-definite'] : ['reason-differs'] });
      fact(section, `v3/${s.sheetId}/on`, { quote: s.provenance.quote, endpoint, field: 'outcome.on', printed: null, served: listed?.outcome?.on ?? null, verdict: 'judgement', note: 'the document does not date the end of V3 sheets; the V4 adoption day is used' });
    }
  }
  for (const f of v3Figures) {
    const sheetId = f.sheetId;
    const section = f.reports[0]?.provenance.section ?? 'Annexe 3';
    const detail = await get(`/api/sheets/${sheetId}`);
    const served = detail.indicators.find((x) => x.indicatorId === f.indicatorId);
    const v4Name = sheetsV4.find((s) => s.sheetId === sheetId)?.indicators.find((x) => x.indicatorId === f.indicatorId)?.name;
    const infraName = sheetId === infrastructure.sheetId ? infrastructure.indicators.find((x) => x.indicatorId === f.indicatorId)?.name : undefined;
    if (!v4Name && !infraName) check(section, `v3figure/${f.indicatorId}/name`, { endpoint: `/api/sheets/${sheetId}`, field: 'indicators[].name', printed: v4Name ?? f.name, served: served?.name ?? null, verdict: nameVerdict(v4Name ?? f.name, served?.name ?? null), loss: ['label-differs'], note: v4Name ? 'the V4 sheet names this indicator' : 'Annexe 3 names no indicator' });
    await checkTargetsAndReports(section, sheetId, f, served, 'annexe3');
  }
  const sAssess = 'Annexe 3 – bilan (assessment)';
  const aEndpoint = `/api/roadmaps/${ROADMAP}/versions/V3/assessment?format=json`;
  check(sAssess, 'assessment/period-start', { quote: 'La troisième version a été validée en mars 2019', endpoint: aEndpoint, field: 'period.start', printed: '2019-03', served: assessment.period.start, loss: ['date-precision'] });
  // The printed total ("une trentaine") and the sheets recorded (those the document names) are two counts; the figures say which one they are over.
  const servedCount = assessment.sheetCount?.printed ? { value: assessment.sheetCount.printed.value, qualifier: assessment.sheetCount.printed.qualifier, recorded: assessment.sheetCount.recorded } : { value: assessment.totals.sheets, qualifier: 'exact' };
  check(sAssess, 'assessment/sheets', { quote: 'une feuille de route comprenant une trentaine de fiches-projets', endpoint: aEndpoint, field: 'sheetCount.printed/recorded', printed: { value: 30, qualifier: 'about', recorded: sheetsV3.length }, served: servedCount, loss: ['partial-list-served-as-total'] });
  check(sAssess, 'assessment/sheets-counted', { endpoint: aEndpoint, field: 'sheetCount.countsOver/totals.sheets', printed: { countsOver: 'recorded', sheets: sheetsV3.length }, served: { countsOver: assessment.sheetCount?.countsOver ?? null, sheets: assessment.totals.sheets }, loss: ['partial-list-served-as-total'] });
  const v4MilestonesOfCarried = sheetsV3.filter((s) => s.outcome === 'carried_over').reduce((n, s) => n + sheetsV4.find((x) => x.sheetId === s.continuedBy).milestones.length, 0);
  check(sAssess, 'assessment/milestones', { endpoint: aEndpoint, field: 'totals.milestones*', printed: { onTime: 0, late: 0, missed: 0, pending: 0 }, served: { onTime: assessment.totals.milestonesOnTime, late: assessment.totals.milestonesLate, missed: assessment.totals.milestonesMissed, pending: assessment.totals.milestonesPending }, loss: ['v3-shown-with-v4-content'], note: `Annexe 3 gives no V3 milestone; the ${v4MilestonesOfCarried} milestones of the seven V4 successors are counted` });
  check(sAssess, 'assessment/indicators', { endpoint: aEndpoint, field: 'totals.indicators*', printed: { reported: v3Figures.length, neverReported: 0 }, served: { reported: assessment.totals.indicatorsReported, neverReported: assessment.totals.indicatorsNeverReported }, loss: ['v3-shown-with-v4-content'] });
  check(sAssess, 'assessment/abandoned', { quote: "soit parce qu'ils n'ont pas mobilisé suffisamment de partenaires pour fructifier (pass numérique, outils numériques de la démocratie, observatoire de la transformation numérique, nouvelles places de marché)", endpoint: aEndpoint, field: 'totals.abandoned/completed/notCarriedOver', printed: { abandoned: 4, completed: 0, notCarriedOver: 0, completedOrNotRenewed: 6, unstated: 1 }, served: { abandoned: assessment.totals.abandoned, completed: assessment.totals.completed, notCarriedOver: assessment.totals.notCarriedOver, completedOrNotRenewed: assessment.totals.completedOrNotRenewed ?? null, unstated: assessment.totals.unstated ?? null }, loss: ['ambiguous-outcome-made-definite'] });
  const rollupSum = (key) => rollupV3.reduce((n, r) => (r[key] === undefined ? n : (n ?? 0) + r[key]), null);
  check(sAssess, 'rollup/V3/abandoned', { endpoint: `/api/roadmaps/${ROADMAP}/rollup?version=V3`, field: 'abandoned/completed/completedOrNotRenewed/unstated', printed: { abandoned: 4, completed: 0, completedOrNotRenewed: 6, unstated: 1 }, served: { abandoned: rollupSum('abandoned'), completed: rollupSum('completed'), completedOrNotRenewed: rollupSum('completedOrNotRenewed'), unstated: rollupSum('unstated') }, loss: ['ambiguous-outcome-made-definite'] });
  const rollupMilestones = rollupV3.reduce((n, r) => n + r.milestonesPlanned, 0);
  check(sAssess, 'rollup/V3/milestones', { endpoint: `/api/roadmaps/${ROADMAP}/rollup?version=V3`, field: 'milestonesPlanned', printed: 0, served: rollupMilestones, loss: ['v3-shown-with-v4-content'] });
  for (const e of assessment.enjeux.filter((x) => x.enjeuId)) {
    check(sAssess, `assessment/enjeu/${e.enjeuId}`, { endpoint: aEndpoint, field: 'enjeux[].enjeuId', printed: null, served: e.enjeuId, loss: ['v3-shown-with-v4-content'], note: 'the V3 had no V4 enjeux ("usages transversaux et thématiques")' });
  }
  // The V4 milestone of Hub-Lo (reached, no due date) must not be given a V3 status: Annexe 3 gives no V3 milestone.
  const hubLo = JSON.stringify(assessment).includes('labellisation-hub-lo');
  check(sAssess, 'assessment/milestone-status-without-due', { quote: 'le consortium Hub-Lo a été labellisé en mars 2021', endpoint: aEndpoint, field: 'milestones[]', printed: 'not in the V3 assessment', served: hubLo ? 'given a V3 status' : 'not in the V3 assessment', loss: ['invented-status'] });

  // ---- Discrepancies: data quality ----------------------------------------------------------------
  const servedIds = new Set((dataQuality.discrepancies ?? []).map((d) => d.id));
  for (const d of discrepancies) {
    fact('Qualité des données (discrepancies)', `discrepancy/${d.id}`, { quote: (Array.isArray(d.provenance) ? d.provenance[0] : d.provenance).quote, endpoint: `/api/roadmaps/${ROADMAP}/data-quality`, field: 'discrepancies[].id', printed: d.id, served: servedIds.has(d.id) ? d.id : null, verdict: servedIds.has(d.id) ? 'right' : 'wrong', loss: servedIds.has(d.id) ? [] : ['inconsistency-not-flagged'] });
  }

  // ---- Exports -------------------------------------------------------------------------------------
  const header = (csv) => csv.split(/\r?\n/)[0].split(',');
  const seriesCols = header(seriesCsv);
  const indicatorCols = header(indicatorsCsv);
  fact('Exports', 'export/series.csv/qualifier', { endpoint: '/api/export/series.csv', field: 'columns', printed: 'a qualifier column (environ, plus de, un peu plus de)', served: seriesCols.includes('qualifier') ? 'qualifier' : null, verdict: seriesCols.includes('qualifier') ? 'right' : 'wrong', loss: ['qualifier-dropped'] });
  fact('Exports', 'export/series.csv/date-precision', { endpoint: '/api/export/series.csv', field: 'columns', printed: 'the date as printed (T1 2023, fin 2022, 31/12/2022)', served: seriesCols.includes('observed') ? 'observed' : 'date only (YYYY-MM-DD)', verdict: seriesCols.includes('observed') ? 'right' : 'wrong', loss: ['date-precision'] });
  fact('Exports', 'export/indicators.csv/target-scope', { endpoint: '/api/export/indicators.csv', field: 'columns', printed: 'targets per territory and zone', served: indicatorCols.includes('targetsScoped') ? 'targetsScoped' : indicatorCols.filter((c) => c.startsWith('target')).join(' '), verdict: indicatorCols.includes('targetsScoped') ? 'right' : 'wrong', loss: ['target-scope-lost'] });
  const v3Rows = seriesCsv.split('\n').filter((l) => l.includes(',V3,0,'));
  const v3FiguresAsV4 = seriesCsv.split('\n').filter((l) => /,V4,/.test(l) && /Annexe 3/.test(l));
  fact('Exports', 'export/series.csv/v3-figures-as-v4', { endpoint: '/api/export/series.csv', field: 'version', printed: 'V3 (figures of the V3 dashboard and of its end, Annexe 3)', served: v3FiguresAsV4.length ? 'V4' : 'V3', verdict: v3FiguresAsV4.length ? 'wrong' : 'right', loss: ['v3-shown-with-v4-content'], note: `${v3FiguresAsV4.length} rows quoting Annexe 3 are filed under the V4 sheet 2.1` });
  fact('Exports', 'export/series.csv/v3-number', { endpoint: '/api/export/series.csv', field: 'sheetNumber', printed: null, served: v3Rows.length ? '0' : null, verdict: v3Rows.length ? 'wrong' : 'right', loss: ['v3-shown-with-v4-content'], note: `${v3Rows.length} rows of V3 sheets carry the number "0"` });

  // ---- Output ----------------------------------------------------------------------------------------
  // In the order of the document, then the tracker's own views.
  const order = ['Couverture', 'Éditorial', 'Rappel', 'Partie I – Enjeu transversal', "Partie I – Enjeu d'inclusion", 'Partie I – Enjeu de performance', "Partie I – Enjeu d'avenir", 'Partie II', 'Annexe 1', 'Annexe 2 – I', 'Annexe 2 – II', 'Annexe 3 – introduction', 'Annexe 3 – 1', 'Annexe 3 – 2', 'Annexe 3 – 3.', 'Annexe 3 – 3-1', 'Annexe 3 – 3-2', 'Annexe 3 – bilan', 'Qualité', 'Exports'];
  const rank = (section) => {
    const i = order.findIndex((o) => section.startsWith(o));
    const fiche = /^Annexe 1 – fiche (\d+)(?:\.(\d+))?/.exec(section);
    return (i < 0 ? order.length : i) * 10000 + (fiche ? Number(fiche[1]) * 100 + Number(fiche[2] ?? 0) : 0);
  };
  const sections = [...new Set(facts.map((f) => f.section))].sort((a, b) => rank(a) - rank(b));
  const count = (list, verdict) => list.filter((f) => f.verdict === verdict).length;
  const lossCounts = {};
  for (const f of facts.filter((x) => x.verdict === 'wrong')) for (const l of f.loss.length ? f.loss : ['other']) lossCounts[l] = (lossCounts[l] ?? 0) + 1;
  const md = [];
  md.push(`Facts checked: **${facts.length}** — right **${count(facts, 'right')}**, wrong **${count(facts, 'wrong')}**, judgement calls **${count(facts, 'judgement')}**.`, '');
  md.push('| Loss class | Wrong facts |', '|---|---|');
  for (const [l, n] of Object.entries(lossCounts).sort((a, b) => b[1] - a[1])) md.push(`| \`${l}\` | ${n} |`);
  md.push('', '### Counts per section', '', '| Section | Checked | Right | Wrong | Judgement |', '|---|---|---|---|---|');
  for (const s of sections) {
    const list = facts.filter((f) => f.section === s);
    md.push(`| ${s} | ${list.length} | ${count(list, 'right')} | ${count(list, 'wrong')} | ${count(list, 'judgement')} |`);
  }
  const cell = (v) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v)).replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 160);
  for (const s of sections) {
    const wrong = facts.filter((f) => f.section === s && f.verdict !== 'right');
    if (!wrong.length) continue;
    md.push('', `### ${s}`, '', '| Fact | Verdict | Printed | Served | Loss / note |', '|---|---|---|---|---|');
    for (const f of wrong) md.push(`| \`${f.id}\` | ${f.verdict} | ${cell(f.printed)} | ${cell(f.served)} | ${cell([f.loss.join(', '), f.note].filter(Boolean).join(' — '))} |`);
  }
  const table = md.join('\n');
  if (write) {
    writeFileSync(join(root, 'tests', 'seed', 'fixtures', 'fidelity-facts.json'), JSON.stringify({ document: 'seeds/scoran-centre-val-de-loire/source/scoran-v4-2023-06.txt', documentDay: DOCUMENT_DAY, facts }, null, 1) + '\n');
    const docPath = join(root, 'docs', 'fidelity-audit.md');
    const doc = readFileSync(docPath, 'utf8');
    const begin = '<!-- audit:begin -->';
    const end = '<!-- audit:end -->';
    writeFileSync(docPath, doc.slice(0, doc.indexOf(begin) + begin.length) + '\n' + table + '\n' + doc.slice(doc.indexOf(end)));
  } else process.stdout.write(table + '\n');
}

/** How a target's date is printed: its column or line ("2025", "en 2022", "à 3 ans", "Année 1"). */
function printedTargetDate(t) {
  const q = t.provenance.quote;
  if (/Objectifs à 3 ans/.test(q)) return 'à 3 ans';
  if (/^Année \d/.test(q)) return q.match(/^Année \d/)[0];
  if (/sur 3 ans/.test(q)) return 'sur 3 ans';
  if (/^(?:%|\(|2025)/.test(q) || /Prises prévues/.test(q)) return '2025';
  const m = /en (\d{4})/.exec(q);
  return m ? m[1] : t.by;
}

/**
 * How a milestone's due date is printed, and whether the served `due` keeps it. Open ends
 * ("à partir de", "et ensuite", "et au-delà", "après", "jusqu'en"), "fin", a question mark and
 * horizons relative to an unstated start are what a plain period label cannot hold.
 */
function milestoneDueRule(quote, due) {
  const open = /^(\d{4}) et (ensuite|au-delà)|À partir de (\d{4})|Après (\d{4})|Jusqu'en (\d{4})/.exec(quote);
  const ok = (printed, served) => ({ verdict: printed === served ? 'right' : 'wrong', loss: printed === served ? [] : ['date-precision'] });
  if (open) {
    const printed = open[0];
    // An open end is kept only by an interval with no bound on that side (dated.ts: "2024/..", "../2024"),
    // from the year printed: "Après 2023" is after 2023 (">2023/.."), not from 2024.
    const year = open[1] ?? open[3] ?? open[4] ?? open[5];
    const expected = open[1] || open[3] ? `${year}/..` : open[4] ? `>${year}/..` : `../${year}`;
    return { printed, verdictFor: (served) => (served === expected ? { verdict: 'right', loss: [] } : { verdict: 'wrong', loss: /\.\./.test(served ?? '') ? ['date-precision'] : ['open-end-lost'], note: `served as ${/\.\./.test(served ?? '') ? '' : 'the closed period '}${served}` }) };
  }
  if (/Fin 2023 et 2024/.test(quote)) return { printed: '2023-late/2024', verdictFor: (served) => ok('2023-late/2024', served) };
  if (/quatrième trimestre \?/.test(quote) && due === '2023-Q4') return { printed: '2023-Q4 ?', verdictFor: (served, milestone) => (served === '2023-Q4' && milestone?.uncertain === true ? { verdict: 'right', loss: [] } : { verdict: 'wrong', loss: served === '2023-Q4' ? ['uncertainty-lost'] : ['date-precision'], note: 'the question mark is not served (no `uncertain`)' }) };
  // Right only with no day served (`due` null) and the horizon kept in its words, three years from the V4 adoption.
  if (/Objectifs à 3 ans/.test(quote)) return { printed: 'à 3 ans', verdictFor: (served, milestone) => (served === null && milestone?.horizon?.printed === 'à 3 ans' && milestone.horizon.duration === 'P3Y' && milestone.horizon.from === '2023-06-26' ? { verdict: 'right', loss: [] } : { verdict: 'wrong', loss: ['relative-horizon-served-as-day'], note: `served ${served}` }) };
  if (/Durée de 3 ans/.test(quote) && due?.includes('/')) return { printed: 'octobre 2023 + 3 ans', verdictFor: (served) => ({ verdict: served === due ? 'judgement' : 'wrong', loss: [], note: 'range computed from the launch month and the duration' }) };
  if (/sur 3 ans 2022 – 2025/.test(quote)) return { printed: '2022 – 2025 (3 ans)', verdictFor: (served) => ({ verdict: served === due ? 'judgement' : 'wrong', loss: [], note: 'four calendar years or three school years' }) };
  if ((/le 8 juin/.test(quote) && /^\d{4}-\d{2}-\d{2}$/.test(due ?? '')) || (/en octobre\./.test(quote) && /^\d{4}-\d{2}$/.test(due ?? ''))) return { printed: due, verdictFor: (served) => ({ verdict: served === due ? 'judgement' : 'wrong', loss: [], note: 'year taken from the calendar line' }) };
  return { printed: due, verdictFor: (served) => ok(due, served) };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
