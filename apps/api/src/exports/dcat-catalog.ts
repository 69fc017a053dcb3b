import { assessmentPeriod, periodStartDay } from '#assessment';
import { DATASET_INFO, DATASET_NAMES, type DatasetName } from './open-data.columns.js';

/** What the catalogue states, as read from the read models. */
export interface CatalogFacts {
  roadmaps: Array<{ roadmapId: string; title: string; regionName: string; versions: Array<{ version: string; status: string; adoptedOn: string | null }> }>;
  /** recordedAt of the last event of the log; null for an empty log. */
  lastRecordedAt: string | null;
}

/** The licence of the open data (docs/open-data.md): Licence Ouverte / Etalab 2.0, the French public-sector default. */
export const OPEN_DATA_LICENCE = {
  uri: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/',
  spdx: 'etalab-2.0',
  title: 'Licence Ouverte / Open Licence version 2.0',
} as const;

const CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;
const FRENCH = { '@id': 'http://publications.europa.eu/resource/authority/language/FRA' };
const FORMATS = {
  csv: { mediaType: 'text/csv', fileType: 'CSV', title: 'CSV (RFC 4180, UTF-8)' },
  json: { mediaType: 'application/json', fileType: 'JSON', title: 'JSON (tableau d’objets)' },
} as const;

const fr = (text: string) => ({ '@value': text, '@language': 'fr' });
const date = (day: string) => ({ '@value': day, '@type': 'xsd:date' });
const dateTime = (at: string) => ({ '@value': at, '@type': 'xsd:dateTime' });

/** One period of time per adopted version: from its adoption to the day before the next one (open while in force). */
function temporal(roadmap: CatalogFacts['roadmaps'][number]) {
  return roadmap.versions
    .filter((v) => v.adoptedOn !== null)
    .map((v) => ({ version: v.version, period: assessmentPeriod(roadmap.versions, v.version, null) }))
    .map(({ version, period }) => ({ version, period, startDay: periodStartDay(period) }))
    .sort((a, b) => (a.startDay ?? '').localeCompare(b.startDay ?? ''))
    .map(({ version, period, startDay }) => ({
      '@type': 'dct:PeriodOfTime',
      'dct:title': fr(`${roadmap.title}, version ${version}`),
      // xsd:date is a day: the first day of the adoption as printed (the catalogue's own convention).
      ...(startDay ? { 'dcat:startDate': date(startDay) } : {}),
      ...(period.end ? { 'dcat:endDate': date(period.end) } : {}),
    }));
}

function dataset(name: DatasetName, facts: CatalogFacts, base: string) {
  const info = DATASET_INFO[name];
  const schema = `${base}/api/export/${name}.schema.json`;
  const licence = { '@id': OPEN_DATA_LICENCE.uri };
  return {
    '@id': `${base}/api/export/catalog.jsonld#${name}`,
    '@type': 'dcat:Dataset',
    'dct:identifier': name,
    'dct:title': fr(info.title),
    'dct:description': fr(info.description),
    'dct:language': FRENCH,
    'dct:temporal': facts.roadmaps.flatMap(temporal),
    ...(facts.lastRecordedAt ? { 'dct:modified': dateTime(facts.lastRecordedAt) } : {}),
    'dcat:distribution': (Object.keys(FORMATS) as Array<keyof typeof FORMATS>).map((f) => ({
      '@id': `${base}/api/export/${name}.${f}`,
      '@type': 'dcat:Distribution',
      'dct:title': fr(`${info.title} — ${FORMATS[f].title}`),
      'dcat:accessURL': { '@id': `${base}/api/export/${name}.${f}` },
      'dcat:downloadURL': { '@id': `${base}/api/export/${name}.${f}` },
      'dcat:mediaType': { '@id': `https://www.iana.org/assignments/media-types/${FORMATS[f].mediaType}` },
      'dct:format': { '@id': `http://publications.europa.eu/resource/authority/file-type/${FORMATS[f].fileType}` },
      // The JSON records carry the same fields under the same names, typed: the schema describes both.
      'dct:conformsTo': { '@id': schema },
      'dct:license': licence,
    })),
    'dct:license': licence,
  };
}

/**
 * The open-data catalogue in DCAT-AP terms (JSON-LD): one dataset per export, its CSV and JSON
 * distributions, the Table Schema they conform to, the licence, the versions of each roadmap as
 * temporal coverage, and the time of the last event as the modification date.
 */
export function dcatCatalog(facts: CatalogFacts, base: string) {
  const regions = [...new Set(facts.roadmaps.map((r) => r.regionName))];
  return {
    '@context': CONTEXT,
    '@id': `${base}/api/export/catalog.jsonld`,
    '@type': 'dcat:Catalog',
    'dct:title': fr(facts.roadmaps.length === 1 ? `Données ouvertes — ${facts.roadmaps[0]!.title}` : 'Données ouvertes du suivi des feuilles de route'),
    'dct:description': fr('Fiches, indicateurs et séries de valeurs des feuilles de route suivies, sans identité des auteurs des saisies. Colonnes décrites par un Table Schema par jeu.'),
    'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': regions.length ? `État et Région ${regions.join(', ')}` : 'scoran-tracker' },
    'dct:language': FRENCH,
    'dct:license': { '@id': OPEN_DATA_LICENCE.uri, '@type': 'dct:LicenseDocument', 'dct:identifier': OPEN_DATA_LICENCE.spdx, 'dct:title': fr(OPEN_DATA_LICENCE.title) },
    ...(facts.lastRecordedAt ? { 'dct:modified': dateTime(facts.lastRecordedAt) } : {}),
    'dcat:dataset': DATASET_NAMES.map((name) => dataset(name, facts, base)),
  };
}
