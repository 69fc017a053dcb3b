import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default import is the module object on some toolchains.
const addFormats = ((formatsModule as unknown as { default?: typeof formatsModule }).default ?? formatsModule) as unknown as (
  ajv: Ajv2020,
) => Ajv2020;

const seedDir = join(process.cwd(), 'seeds', 'scoran-centre-val-de-loire');
const schemaDir = join(seedDir, 'schema');

type Json = unknown;
interface Provenance { section: string; quote: string }
interface Target { value: number; by: string | null; label: string; territory?: string | null; zone?: string; provenance: Provenance }
interface Report { value: number; observedOn: string; territory: string | null; zone?: string; qualifier?: string; provenance: Provenance }
interface Indicator { indicatorId: string; name: string; unit: string; targets: Target[]; reports: Report[] }
interface Milestone { milestoneId: string; title: string; due: string | null; reached?: { reachedOn: string; precision: string } }
interface SheetV4 {
  sheetId: string; number: string; kind: 'animation' | 'projet'; enjeu: string; title: string; objective: string; theme: string;
  context: string; objectives: string | null; pilots: string[]; partners: string[]; indicators: Indicator[]; milestones: Milestone[];
  continues?: string[];
}
interface SheetV3 { sheetId: string; outcome: string; reasonCode: string | null; continuedBy: string | null; provenance: { section: string; quote: string } }
interface Roadmap {
  roadmapId: string;
  enjeux: { enjeuId: string; number: number; title: string }[];
  versions: { version: string; year: number; draftedOn: string | null; adoptedOn: string | null; adoptedOnPrecision: string | null; adoptedBy: string | null; supersededBy: string | null; provenance: { quote: string } }[];
  organisations: { organisationId: string; name: string }[];
}
interface Table {
  tableId: string;
  columns: { columnId: string; zone?: string; measure?: string }[];
  rows: { territory: string; kind: string; values: Record<string, number | null> }[];
}
interface Infrastructure { sheetId: string; indicators: Indicator[]; tables: Table[] }
interface V3Figure { sheetId: string; indicatorId: string; unit: string; reports: Report[] }
interface Discrepancy { id: string; figures: Record<string, unknown>; provenance: Provenance[]; check?: { tableId: string; columnId: string; territory: string } }
interface Role { role: string; organisationId: string | null }
interface GovernanceFact {
  factId: string; kind: string; body?: string; formation?: string; statement: string; words: string[];
  holders?: Role[]; associates?: Role[]; chairs?: Role[]; invited?: { name: string; organisationId: string | null }[];
  formations?: string[]; territories?: string[]; organisationId?: string; dates?: string[];
  cadence?: { meetings: { value: number; qualifier: string }; every: { count: number; unit: string } };
  provenance: Provenance;
}
interface Governance { roadmapId: string; version: string; facts: GovernanceFact[]; v3: GovernanceFact[] }

const load = <T>(name: string): T => JSON.parse(readFileSync(join(seedDir, name), 'utf8')) as T;
const roadmap = load<Roadmap>('roadmap.json');
const sheets = load<SheetV4[]>('sheets-v4.json');
const infrastructure = load<Infrastructure>('infrastructure.json');
const sheetsV3 = load<SheetV3[]>('sheets-v3.json');
const v3Figures = load<V3Figure[]>('v3-figures.json');
const discrepancies = load<Discrepancy[]>('discrepancies.json');
const governance = load<Governance>('governance.json');

// Quotes are compared against the source with its Markdown markup removed and whitespace collapsed (see README).
const cleanLine = (line: string): string =>
  line
    .replace(/\[([^\]]+)\]\(#\)/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/\*([^*]+)\*/g, '$1')
    .replace(/\^\{(\w+)\}/g, '$1')
    .replace(/\^(\w+)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
const sourceText = readFileSync(join(seedDir, 'source', 'scoran-v4-2023-06.txt'), 'utf8');
const sourceLines = sourceText.split('\n').map(cleanLine);

function collectProvenance(node: Json, out: Provenance[] = []): Provenance[] {
  if (Array.isArray(node)) node.forEach((n) => collectProvenance(n, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'provenance') {
        for (const p of Array.isArray(value) ? value : [value]) out.push(p as Provenance);
      } else collectProvenance(value, out);
    }
  }
  return out;
}

describe('SCORAN Centre-Val de Loire seed data', () => {
  describe('schemas', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    for (const file of readdirSync(schemaDir)) ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as object);
    const base = 'https://scoran-tracker.local/seeds/scoran-centre-val-de-loire/schema/';
    const pairs: [string, string][] = [
      ['roadmap.json', 'roadmap.schema.json'],
      ['sheets-v4.json', 'sheets-v4.schema.json'],
      ['infrastructure.json', 'infrastructure.schema.json'],
      ['sheets-v3.json', 'sheets-v3.schema.json'],
      ['v3-figures.json', 'v3-figures.schema.json'],
      ['discrepancies.json', 'discrepancies.schema.json'],
      ['governance.json', 'governance.schema.json'],
    ];
    it.each(pairs)('%s is valid against %s', (data, schema) => {
      const validate = ajv.getSchema(base + schema);
      expect(validate).toBeDefined();
      const ok = validate!(load(data));
      expect(validate!.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });

    it('rejects data that breaks the conventions', () => {
      const validate = ajv.getSchema(base + 'sheets-v4.schema.json')!;
      const broken = structuredClone(sheets);
      broken[0].indicators[0].reports.push({ value: 120, observedOn: '2023-13-01', territory: '99', provenance: { section: 'x', quote: 'y' } });
      (broken[1] as unknown as Record<string, unknown>).extra = true;
      broken[2].milestones[0].due = '2023-S3';
      broken[3].indicators[0].reports.push({ value: 1.5, observedOn: '2023-03-31', territory: '24', provenance: { section: 'x', quote: 'y' } });
      expect(validate(broken)).toBe(false);
      const paths = (validate.errors ?? []).map((e) => e.instancePath);
      expect(paths).toEqual(expect.arrayContaining(['/0/indicators/0/reports/0/value', '/0/indicators/0/reports/0/observedOn', '/0/indicators/0/reports/0/territory', '/3/indicators/0/reports/0/value', '/1', '/2/milestones/0/due']));
    });
  });

  describe('V4 sheets', () => {
    it('holds the 33 sheets of Annexe 1 in document order, with unique ids and numbers', () => {
      expect(sheets).toHaveLength(33);
      expect(new Set(sheets.map((s) => s.sheetId)).size).toBe(33);
      expect(new Set(sheets.map((s) => s.number)).size).toBe(33);
      const headings = [...sourceText.matchAll(/^Fiche (animation|projet) n°([\d.]+)\s*$/gm)].map((m) => ({ kind: m[1], number: m[2] }));
      expect(headings).toHaveLength(33);
      expect(sheets.map((s) => ({ kind: s.kind, number: s.number }))).toEqual(headings);
    });

    it('files each sheet under the enjeu its number prefix names', () => {
      const byNumber = new Map(roadmap.enjeux.map((e) => [String(e.number), e.enjeuId]));
      for (const s of sheets) expect([s.number, s.enjeu]).toEqual([s.number, byNumber.get(s.number.split('.')[0])]);
    });

    it('resolves organisations, and keeps pilots out of partners', () => {
      const orgIds = new Set(roadmap.organisations.map((o) => o.organisationId));
      expect(orgIds.size).toBe(roadmap.organisations.length);
      for (const s of sheets) {
        for (const id of [...s.pilots, ...s.partners]) expect([s.sheetId, id, orgIds.has(id)]).toEqual([s.sheetId, id, true]);
        expect(s.pilots.filter((p) => s.partners.includes(p))).toEqual([]);
      }
      for (const v of roadmap.versions) if (v.adoptedBy) expect(orgIds.has(v.adoptedBy)).toBe(true);
    });

    it('keeps indicator and milestone ids unique within a sheet', () => {
      for (const s of sheets) {
        expect(new Set(s.indicators.map((i) => i.indicatorId)).size).toBe(s.indicators.length);
        expect(new Set(s.milestones.map((m) => m.milestoneId)).size).toBe(s.milestones.length);
      }
    });

    const sheet = (id: string): SheetV4 => {
      const s = sheets.find((x) => x.sheetId === id);
      if (!s) throw new Error(`no sheet ${id}`);
      return s;
    };
    const indicator = (s: string, i: string): Indicator => {
      const found = sheet(s).indicators.find((x) => x.indicatorId === i);
      if (!found) throw new Error(`no indicator ${s}/${i}`);
      return found;
    };

    it('matches spot checks read in the document', () => {
      expect(sheet('csirt-cyberreponse')).toMatchObject({ number: '4.13', kind: 'projet', enjeu: 'avenir', title: 'CSIRT cyberRéponse', theme: 'Écosystème sécurisé', pilots: ['region-centre-val-de-loire'] });
      expect(sheet('open-data-challenge')).toMatchObject({ number: '3.10', kind: 'projet', enjeu: 'performance', continues: ['open-data-challenge'] });
      expect(sheet('suivi-regional-infrastructures-numeriques')).toMatchObject({ number: '2.1', kind: 'animation', enjeu: 'inclusion', pilots: ['etat', 'region-centre-val-de-loire'] });
      expect(sheet('feminisation-metiers-numerique')).toMatchObject({ number: '1', kind: 'animation', enjeu: 'transversal', objective: 'Attirer plus de femmes dans les métiers du numérique' });
      expect(sheet('net-irrig')).toMatchObject({ number: '3.12', kind: 'projet', pilots: ['chambre-d-agriculture-du-loiret'] });
      expect(sheet('pro3').pilots[0]).toBe('universite-d-orleans');
      expect(sheet('innovation-numerique-services-etat').indicators).toEqual([]);
      expect(sheet('recor').title).toBe('ReCOR');
      expect(sheets.filter((s) => s.kind === 'animation')).toHaveLength(13);

      const subscribers = indicator('net-irrig', 'abonnes');
      expect(subscribers.targets.map((t) => [t.value, t.by])).toEqual([[2000, '2026-06-30']]);
      expect(subscribers.reports.map((r) => [r.value, r.observedOn])).toEqual([[300, '2023-06-07']]);
      expect(indicator('net-irrig', 'abonnes-agriculteurs-loiret').reports.map((r) => [r.value, r.territory])).toEqual([[200, '45']]);

      const edihYearly = indicator('loire-valley-data-hub', 'entreprises-accompagnees-par-annee').targets;
      expect(edihYearly.map((t) => [t.value, t.by, t.label])).toEqual([[56, '2024-09-30', 'Année 1'], [156, '2025-09-30', 'Année 2'], [201, '2026-09-30', 'Année 3']]);
      const edihTotal = indicator('loire-valley-data-hub', 'entreprises-accompagnees-3-ans').targets[0].value;
      expect(edihYearly.reduce((sum, t) => sum + t.value, 0)).toBe(edihTotal);
      const collYearly = indicator('loire-valley-data-hub', 'collectivites-accompagnees-par-annee').targets;
      expect(collYearly.reduce((sum, t) => sum + t.value, 0)).toBe(indicator('loire-valley-data-hub', 'collectivites-accompagnees-3-ans').targets[0].value);

      expect(indicator('e-portfolio-competences', 'e-portfolios-ouverts').reports).toMatchObject([{ value: 2500, observedOn: '2022-09-30', qualifier: 'more_than' }]);
      expect(indicator('recor', 'sites-desservis').targets).toMatchObject([{ value: 137, by: null }]);

      const csirt = sheet('csirt-cyberreponse').milestones;
      expect(csirt.find((m) => m.milestoneId === 'lancement-csirt')).toMatchObject({ due: '2023-03' });
      expect(csirt.find((m) => m.milestoneId === 'incubation-anssi')).toMatchObject({ due: '2022-01/2023-03' });
      expect(sheet('innovation-numerique-services-etat').milestones.map((m) => m.due)).toEqual(['2023-S1', '2023-S2']);
      expect(sheet('french-tech-central').milestones.map((m) => m.due)).toEqual(['2023-06/2023-09', '2023-09/2024-12']);
      expect(sheet('loire-valley-data-hub').milestones[0].reached).toMatchObject({ reachedOn: '2023-02-28', precision: 'month' });
    });
  });

  describe('roadmap', () => {
    it('has the four enjeux numbered as the sheet prefixes, and the four versions', () => {
      expect(roadmap.enjeux.map((e) => [e.enjeuId, e.number])).toEqual([['transversal', 1], ['inclusion', 2], ['performance', 3], ['avenir', 4]]);
      expect(roadmap.versions.map((v) => [v.version, v.year, v.adoptedOn, v.adoptedOnPrecision, v.adoptedBy])).toEqual([
        ['V1', 2010, null, null, null],
        ['V2', 2014, null, null, null],
        ['V3', 2019, '2019-03-31', 'month', 'crsn'],
        ['V4', 2023, '2023-06-26', 'day', 'crsn'],
      ]);
    });

    it('has V1 and V2 drafted in the year the document gives, then replaced; no draft date for V3 and V4', () => {
      expect(roadmap.versions.map((v) => [v.version, v.draftedOn, v.supersededBy])).toEqual([
        ['V1', '2010', 'V2'], ['V2', '2014', 'V3'], ['V3', null, null], ['V4', null, null],
      ]);
      expect(roadmap.versions[0]!.provenance.quote).toMatch(/a été rédigée en 2010/);
      expect(roadmap.versions[1]!.provenance.quote).toMatch(/a été conçue en 2014/);
    });
  });

  describe('provenance', () => {
    const all = [roadmap, sheets, infrastructure, sheetsV3, v3Figures, discrepancies, governance].flatMap((d) => collectProvenance(d));

    it('quotes the source verbatim (Markdown removed, whitespace collapsed), at most 200 characters', () => {
      expect(all.length).toBeGreaterThan(400);
      const missing = all.filter((p) => p.quote.length > 200 || !sourceLines.some((line) => line.includes(p.quote)));
      expect(missing).toEqual([]);
    });

    it('names the section where the quote stands', () => {
      const sheetSections = sheets.map((s) => `Annexe 1 – fiche ${s.number}`);
      for (const s of sheets) {
        for (const p of collectProvenance(s.indicators)) expect([s.sheetId, p.section]).toEqual([s.sheetId, `Annexe 1 – fiche ${s.number}`]);
      }
      expect(collectProvenance(infrastructure).every((p) => p.section.startsWith('Annexe 2'))).toBe(true);
      expect(collectProvenance(v3Figures).every((p) => p.section.startsWith('Annexe 3'))).toBe(true);
      expect(sheetSections).toContain('Annexe 1 – fiche 4.16');
    });
  });

  describe('Annexe 2', () => {
    const ftth = infrastructure.tables.find((t) => t.tableId === 'ftth-deploiement-t1-2023')!;
    const row = (territory: string) => ftth.rows.find((r) => r.territory === territory)!.values;
    const listed = new Set(discrepancies.filter((d) => d.check).map((d) => `${d.check!.tableId}/${d.check!.columnId}/${d.check!.territory}`));

    it('belongs to sheet 2.1 and shares its indicators', () => {
      const s21 = sheets.find((s) => s.number === '2.1')!;
      expect(infrastructure.sheetId).toBe(s21.sheetId);
      for (const i of infrastructure.indicators) {
        const same = s21.indicators.find((x) => x.indicatorId === i.indicatorId);
        if (same) expect(same.unit).toBe(i.unit);
      }
      expect(infrastructure.indicators.map((i) => i.indicatorId)).toEqual(expect.arrayContaining(s21.indicators.map((i) => i.indicatorId)));
    });

    it('prints the department rows read in the document', () => {
      expect(row('18')).toMatchObject({ 'privee-built': 76012, 'publique-built': 101350, 'total-built': 177362, 'total-planned': 207914, 'total-share-built': 85 });
      expect(row('28')).toMatchObject({ 'amel-built': 64055, 'amel-share-built': 91.5, 'amel-planned': 70013, 'total-built': 243102 });
      expect(row('37')).toMatchObject({ 'privee-built': 178198, 'privee-planned': 194812, 'publique-share-built': 78 });
      expect(row('45')).toMatchObject({ 'publique-built': 185854, 'publique-planned': 217476, 'total-planned': 400867 });
      expect(row('24')).toMatchObject({ 'total-built': 1337268, 'total-planned': 1578372, 'total-share-built': 85, 'amel-built': null });
      expect(row('36')['amel-built']).toBeNull();
      const built = infrastructure.indicators.find((i) => i.indicatorId === 'prises-ftth-construites')!;
      expect(built.reports.find((r) => r.territory === '41' && r.zone === 'publique')).toMatchObject({ value: 106707, observedOn: '2023-03-31' });
      expect(built.targets.find((t) => t.territory === '41' && t.zone === 'publique')).toMatchObject({ value: 139152, by: '2025-12-31' });
      const mobile = infrastructure.indicators.find((i) => i.indicatorId === 'pylones-new-deal')!;
      expect(mobile.reports).toMatchObject([{ value: 112, observedOn: '2022-12-31', territory: '24' }]);
    });

    it('reconciles department rows with totals and shares with built/planned, except the listed discrepancies', () => {
      const departments = ftth.rows.filter((r) => r.kind === 'department');
      const mismatches = new Set<string>();
      const key = (col: string, territory: string) => `${ftth.tableId}/${col}/${territory}`;
      for (const measure of ['built', 'planned']) {
        // a zone's region total is the sum of its department cells
        for (const zone of ['privee', 'publique', 'amel', 'total']) {
          const col = `${zone}-${measure}`;
          const printed = row('24')[col];
          if (printed === null) continue;
          const sum = departments.reduce((acc, r) => acc + (r.values[col] ?? 0), 0);
          if (sum !== printed) mismatches.add(key(col, '24'));
        }
        // a department's total is the sum of its zones
        for (const r of departments) {
          const sum = ['privee', 'publique', 'amel'].reduce((acc, z) => acc + (r.values[`${z}-${measure}`] ?? 0), 0);
          if (sum !== r.values[`total-${measure}`]) mismatches.add(key(`total-${measure}`, r.territory));
        }
      }
      // printed shares are rounded, and so is the printed "prises prévues / prises à couvrir = 100 %"
      for (const r of ftth.rows) {
        for (const zone of ['privee', 'publique', 'amel', 'total']) {
          const share = r.values[`${zone}-share-built`];
          const built = r.values[`${zone}-built`];
          const planned = r.values[`${zone}-planned`];
          if (share === null || built === null || planned === null || share === undefined) continue;
          const computed = (100 * built) / planned;
          const decimals = String(share).split('.')[1]?.length ?? 0;
          const tolerance = 0.5 * 10 ** -decimals + computed * 0.005;
          if (Math.abs(computed - share) > tolerance) mismatches.add(key(`${zone}-share-built`, r.territory));
        }
      }
      expect([...mismatches].sort()).toEqual([...listed].sort());
      expect(listed.size).toBe(5);
    });
  });

  describe('V3', () => {
    it('links carried-over V3 sheets to V4 sheets both ways', () => {
      const v4Ids = new Set(sheets.map((s) => s.sheetId));
      const v3Ids = new Set(sheetsV3.map((s) => s.sheetId));
      expect(v3Ids.size).toBe(sheetsV3.length);
      for (const s of sheetsV3) {
        if (s.outcome === 'carried_over') {
          expect(v4Ids.has(s.continuedBy!)).toBe(true);
          expect(sheets.find((x) => x.sheetId === s.continuedBy)!.continues).toContain(s.sheetId);
        } else expect(s.continuedBy).toBeNull();
      }
      for (const s of sheets) for (const c of s.continues ?? []) expect(v3Ids.has(c)).toBe(true);
    });

    it('records the projects Annexe 3 says were dropped, with the reason it gives', () => {
      const byId = new Map(sheetsV3.map((s) => [s.sheetId, s]));
      for (const id of ['pass-numerique', 'outils-numeriques-democratie', 'observatoire-transformation-numerique', 'nouvelles-places-de-marche']) {
        expect(byId.get(id)).toMatchObject({ outcome: 'abandoned', reasonCode: 'insufficient_partners' });
      }
      // « soit parce qu'ils sont achevés ou non reconduits »: the document does not say which applies to which.
      for (const id of ['open-badges', 'ent', 'byod', 'moocs', 'living-lab', 'propulseur-international']) {
        expect(byId.get(id)).toMatchObject({ outcome: 'completed_or_not_renewed', reasonCode: null });
        expect(byId.get(id)!.provenance.quote).toMatch(/achevés ou non reconduits/);
      }
      // Cited among the V3 initiatives, continued by no V4 sheet, and no reason given.
      expect(byId.get('offre-mutualisee-dpo')).toMatchObject({ outcome: 'unstated', reasonCode: null });
    });

    it('gives V3-era figures that agree with Annexe 2 and add up', () => {
      const known = new Set([...sheets.map((s) => s.sheetId), ...sheetsV3.map((s) => s.sheetId)]);
      for (const f of v3Figures) expect(known.has(f.sheetId)).toBe(true);
      const value = (id: string) => v3Figures.find((f) => f.indicatorId === id)!.reports[0].value;
      const infra = (id: string) => infrastructure.indicators.find((i) => i.indicatorId === id)!.reports[0].value;
      expect(value('pylones-new-deal')).toBe(infra('pylones-new-deal'));
      expect(value('sites-dcc-arbitres')).toBe(infra('sites-dcc-arbitres'));
      expect(value('pylones-new-deal') + value('sites-dcc-en-construction') + value('sites-dcc-prevus')).toBe(value('sites-dcc-arbitres'));
      expect(v3Figures.find((f) => f.indicatorId === 'communes-avec-dpo')!.reports[0]).toMatchObject({ value: 690, observedOn: '2022-12-31', territory: '24' });
      expect(v3Figures.find((f) => f.indicatorId === 'part-logements-raccordables')!.reports.map((r) => [r.value, r.observedOn, r.qualifier])).toEqual([
        [44, '2018-12-31', 'about'],
        // "un peu plus de 80%": not "plus de 80 %", which the seed recorded before the qualifier had seven values.
        [80, '2022-12-31', 'slightly_more_than'],
      ]);
    });
  });

  describe('Partie II: governance', () => {
    const fact = (id: string): GovernanceFact => {
      const found = [...governance.facts, ...governance.v3].find((f) => f.factId === id);
      if (!found) throw new Error(`no governance fact ${id}`);
      return found;
    };
    const sourceLinesOf = (heading: string, next: string): string[] => {
      const from = sourceLines.indexOf(heading);
      return sourceLines.slice(from, sourceLines.indexOf(next, from));
    };

    it('carries every fact in the words of its quote, and every V4 fact in Partie II or sheet 2.1', () => {
      const partieII = sourceLinesOf('GOUVERNANCE', 'ANNEXES');
      expect(partieII.length).toBeGreaterThan(5);
      for (const f of [...governance.facts, ...governance.v3]) {
        for (const w of f.words) expect([f.factId, w, f.provenance.quote.includes(w)]).toEqual([f.factId, w, true]);
      }
      for (const f of governance.facts) {
        if (f.provenance.section === 'Partie II – Gouvernance') expect([f.factId, partieII.some((l) => l.includes(f.provenance.quote))]).toEqual([f.factId, true]);
        else expect([f.factId, f.provenance.section]).toEqual([f.factId, 'Annexe 1 – fiche 2.1']);
      }
      expect(governance.v3.every((f) => f.provenance.section === 'Annexe 3 – 1. Gouvernance de la SCORAN V3')).toBe(true);
    });

    it('covers every sentence of Partie II', () => {
      const partieII = sourceLinesOf('GOUVERNANCE', 'ANNEXES').filter((l) => l && l !== 'GOUVERNANCE');
      const sentences = partieII.flatMap((l) => l.split(/(?<=\.) /)).filter((x) => x.length > 1);
      const quoted = governance.facts.map((f) => f.provenance.quote);
      const uncovered = sentences.filter((sentence) => !quoted.some((q) => sentence.includes(q.replace(/\.$/, '')) || q.includes(sentence.replace(/\.$/, ''))));
      expect(uncovered).toEqual([]);
      // The long sentence on the CRSN is quoted in two parts: the co-presidency and the list of those invited.
      expect(quoted.some((q) => q.startsWith('La commission régionale de stratégie numérique (CRSN) est une instance partenariale'))).toBe(true);
      expect(quoted.some((q) => q.startsWith('sont invités les préfets des départements'))).toBe(true);
    });

    it('names organisations that the roadmap lists', () => {
      const orgIds = new Set(roadmap.organisations.map((o) => o.organisationId));
      for (const f of [...governance.facts, ...governance.v3]) {
        const ids = [...(f.holders ?? []), ...(f.associates ?? []), ...(f.chairs ?? []), ...(f.invited ?? [])].map((r) => r.organisationId).filter((x): x is string => x !== null);
        if (f.organisationId) ids.push(f.organisationId);
        for (const id of ids) expect([f.factId, id, orgIds.has(id)]).toEqual([f.factId, id, true]);
      }
    });

    it('reads the cadence, the co-presidency and the department teams as printed', () => {
      expect(fact('crsn-meeting-cadence').cadence).toEqual({ meetings: { value: 1, qualifier: 'at_least' }, every: { count: 1, unit: 'year' } });
      expect(fact('crsn-meeting-cadence').provenance.quote).toContain('au moins une fois par an');
      expect(fact('infrastructure-exchange-meetings').cadence?.every).toEqual({ count: 6, unit: 'month' });
      expect(fact('crsn-infrastructures-yearly').cadence?.every).toEqual({ count: 1, unit: 'year' });
      expect(fact('crsn-co-presidency').chairs?.map((c) => c.role)).toEqual(['Préfète de région', 'Président du conseil régional']);
      expect(fact('v3-steering-committee').chairs?.map((c) => c.role)).toEqual(['SGAR', 'élu régional délégué au numérique']);
      expect(fact('mobile-project-teams').territories).toEqual(['18', '28', '36', '37', '41', '45']);
      expect(fact('crsn-formations').formations).toEqual(['usages', 'infrastructures']);
      expect(fact('v3-steering-committee-meetings').dates).toEqual(['2019-09', '2020-07', '2021-04']);
      expect(fact('v3-revision-decided').dates).toEqual(['2022-early']);
      const months: Record<string, string> = { septembre: '09', juillet: '07', avril: '04', octobre: '10' };
      for (const id of ['v3-steering-committee-meetings', 'v3-crsn-usages-2020']) {
        const printed = [...fact(id).provenance.quote.matchAll(/[Ee]n (septembre|juillet|avril|octobre) (\d{4})/g)].map((m) => `${m[2]}-${months[m[1]]}`);
        expect(printed).toEqual(fact(id).dates);
      }
    });
  });

  describe('indicator names', () => {
    const all = [
      ...sheets.flatMap((s) => s.indicators.map((i) => ({ sheetId: s.sheetId, file: 'sheets-v4.json', ...i }))),
      ...infrastructure.indicators.map((i) => ({ sheetId: infrastructure.sheetId, file: 'infrastructure.json', ...i })),
      ...v3Figures.map((f) => ({ file: 'v3-figures.json', ...(f as unknown as Indicator & { sheetId: string }) })),
    ];
    const lowerSource = sourceLines.map((l) => l.toLowerCase());

    it('give an indicator defined in several files one name', () => {
      const names = new Map<string, Set<string>>();
      for (const i of all) names.set(`${i.sheetId}/${i.indicatorId}`, (names.get(`${i.sheetId}/${i.indicatorId}`) ?? new Set()).add(i.name));
      expect([...names].filter(([, n]) => n.size > 1).map(([k, n]) => [k, [...n]])).toEqual([]);
      const s21 = sheets.find((s) => s.number === '2.1')!;
      expect(s21.indicators.map((i) => i.name)).toEqual(['Part des logements raccordables au réseau', "Nombre de pylônes du plan New-Deal de l'État"]);
    });

    it("are the document's words, except the names composed from a split or unnamed item (README judgement call 49)", () => {
      const composed = [
        'connaissance-suivi-zae/part-artificialisation', 'connaissance-suivi-zae/part-du-bati', 'connaissance-suivi-zae/surfaces-parcelles-a-batir',
        'filiere-reemploi/appareils-reemployes', 'ia-loire-valley/etudiants-ia', 'ia-loire-valley/formations-ia',
        'loire-valley-data-hub/collectivites-accompagnees-3-ans', 'loire-valley-data-hub/collectivites-accompagnees-par-annee',
        'loire-valley-data-hub/entreprises-accompagnees-3-ans', 'loire-valley-data-hub/entreprises-accompagnees-par-annee',
        'net-irrig/abonnes', 'net-irrig/abonnes-agriculteurs-loiret', 'offre-mutualisee-dpo/communes-avec-dpo', 'offre-mutualisee-dpo/communes-de-la-region',
        'suivi-regional-infrastructures-numeriques/prises-ftth-construites', 'suivi-regional-infrastructures-numeriques/sites-dcc-en-construction',
        'suivi-regional-infrastructures-numeriques/sites-dcc-prevus', 'territoire-numerique-educatif-cher/volume-horaire-formation',
      ];
      const notVerbatim = [...new Set(all.filter((i) => !lowerSource.some((l) => l.includes(i.name.toLowerCase()))).map((i) => `${i.sheetId}/${i.indicatorId}`))].sort();
      expect(notVerbatim).toEqual([...composed].sort());
    });
  });

  describe('discrepancies', () => {
    const byId = new Map(discrepancies.map((d) => [d.id, d]));
    const get = (id: string): Discrepancy => {
      const d = byId.get(id);
      if (!d) throw new Error(`no discrepancy ${id}`);
      return d;
    };

    it('have unique ids and quote at least one passage each', () => {
      expect(byId.size).toBe(discrepancies.length);
      for (const d of discrepancies) expect(d.provenance.length).toBeGreaterThan(0);
    });

    it('state printed figures that the quotes contain, and the recomputed ones', () => {
      const women = get('women-share-figures').figures as Record<string, { value: number; qualifier: string }>;
      const quotes = get('women-share-figures').provenance.map((p) => p.quote);
      expect(quotes[0]).toContain(`environ ${women.editorialTechnical.value} %`);
      expect(quotes[1]).toContain(`${women.mixiteAll.value} %`);
      expect(quotes[2]).toContain(`${String(women.partieIAll.value).replace('.', ',')} %`);
      expect(Math.round(women.partieIAll.value)).toBe(women.mixiteAll.value);
      for (const q of quotes.slice(1)) expect(q).toContain(`moins de ${women.mixiteTechnical.value} %`);

      const pages = get('summary-page-numbers');
      expect(pages.provenance.map((p) => Number(p.quote.split(' ').pop()))).toEqual([pages.figures.sommaire, pages.figures.annexes]);

      const tne = get('tne-duration').figures as { years: number; from: number; to: number; calendarYears: number };
      expect(tne.to - tne.from + 1).toBe(tne.calendarYears);
      expect(tne.calendarYears).not.toBe(tne.years);

      const illectronisme = get('illectronisme-qualifier').provenance.map((p) => p.quote);
      expect(illectronisme[0]).toMatch(/que 20 % de nos concitoyens/);
      expect(illectronisme[1]).toMatch(/environ 20 % de nos concitoyens/);

      const notRenewed = get('v3-not-renewed-still-in-v4');
      expect(notRenewed.provenance[0].quote).toMatch(/achevés ou non reconduits \(projet Open-badges, ENT, Byod, Moocs/);
      expect(notRenewed.provenance.slice(1).map((p) => p.section)).toEqual(['Annexe 1 – fiche 2.2', 'Annexe 1 – fiche 4.15', 'Annexe 1 – fiche 4.15']);
      expect(sheetsV3.filter((s) => ['open-badges', 'moocs'].includes(s.sheetId)).map((s) => s.outcome)).toEqual(['completed_or_not_renewed', 'completed_or_not_renewed']);

      const missing = get('sheets-missing-required-elements').figures as { noIndicators: string[]; undatedCalendar: string[] };
      // In the source, the sheets whose "Indicateurs de réalisation" heading is directly followed by the calendar.
      const nonEmpty = sourceLines.map((l, n) => ({ l, n })).filter((x) => x.l !== '');
      const emptyRubrics = nonEmpty.filter((x, k) => x.l === 'INDICATEURS DE RÉALISATION' && nonEmpty[k + 1]?.l === 'CALENDRIER PRÉVISIONNEL DU PROJET');
      const sheetOf = (line: number) => [...sourceLines.slice(0, line)].reverse().find((l) => /^Fiche (animation|projet) n°/.test(l))!.split('n°')[1];
      expect(emptyRubrics.map((x) => sheetOf(x.n))).toEqual(missing.noIndicators);
      expect(sheets.filter((s) => missing.noIndicators.includes(s.number)).every((s) => s.indicators.length === 0)).toBe(true);
      const undated = sheets.filter((s) => s.milestones.length > 0 && s.milestones.every((m) => m.due === null && !m.reached)).map((s) => s.number);
      expect(undated).toEqual(missing.undatedCalendar);
    });
  });
});
