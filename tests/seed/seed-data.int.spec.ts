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
interface SheetV3 { sheetId: string; outcome: string; reasonCode: string | null; continuedBy: string | null }
interface Roadmap {
  roadmapId: string;
  enjeux: { enjeuId: string; number: number; title: string }[];
  versions: { version: string; year: number; adoptedOn: string | null; adoptedOnPrecision: string | null; adoptedBy: string | null }[];
  organisations: { organisationId: string; name: string }[];
}
interface Table {
  tableId: string;
  columns: { columnId: string; zone?: string; measure?: string }[];
  rows: { territory: string; kind: string; values: Record<string, number | null> }[];
}
interface Infrastructure { sheetId: string; indicators: Indicator[]; tables: Table[] }
interface V3Figure { sheetId: string; indicatorId: string; unit: string; reports: Report[] }
interface Discrepancy { id: string; check?: { tableId: string; columnId: string; territory: string } }

const load = <T>(name: string): T => JSON.parse(readFileSync(join(seedDir, name), 'utf8')) as T;
const roadmap = load<Roadmap>('roadmap.json');
const sheets = load<SheetV4[]>('sheets-v4.json');
const infrastructure = load<Infrastructure>('infrastructure.json');
const sheetsV3 = load<SheetV3[]>('sheets-v3.json');
const v3Figures = load<V3Figure[]>('v3-figures.json');
const discrepancies = load<Discrepancy[]>('discrepancies.json');

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
  });

  describe('provenance', () => {
    const all = [roadmap, sheets, infrastructure, sheetsV3, v3Figures, discrepancies].flatMap((d) => collectProvenance(d));

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
      for (const id of ['open-badges', 'ent', 'byod', 'moocs', 'living-lab', 'propulseur-international']) {
        expect(byId.get(id)).toMatchObject({ outcome: 'not_renewed', reasonCode: null });
      }
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
        [80, '2022-12-31', 'more_than'],
      ]);
    });
  });
});
