import { QUALIFIERS, SHEET_KINDS, SLUG, TERRITORIES, UNITS, VERSION_LABEL, type SheetOutcomeKind, type SheetStatus } from '#domain';

/**
 * The open-data datasets and their columns. This list is the contract: the CSV header, the JSON keys,
 * the Table Schema of each CSV and docs/open-data.md all follow it (tests check the documentation
 * names every column, and frictionless validates each CSV against its schema).
 */
export interface ColumnDefinition {
  name: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'date';
  description: string;
  /** Table Schema constraints that hold for every row; `pattern` is anchored at both ends, as Table Schema reads it. */
  constraints?: { required?: boolean; unique?: boolean; enum?: readonly string[]; pattern?: string; minimum?: number };
}

const c = (name: string, type: ColumnDefinition['type'], description: string, constraints?: ColumnDefinition['constraints']): ColumnDefinition =>
  (constraints ? { name, type, description, constraints } : { name, type, description });

/** A JavaScript regular expression as a Table Schema pattern: no anchors (implicit), no `(?:` (not in XML Schema's dialect). */
const pattern = (re: RegExp) => re.source.replace(/^\^/, '').replace(/\$$/, '').replace(/\(\?:/g, '(');
const SLUG_PATTERN = pattern(SLUG);
const VERSION_PATTERN = pattern(VERSION_LABEL);
// Written as records so that the compiler says when the domain gains a status or an outcome.
const SHEET_STATUSES = Object.keys({ active: 1, completed: 1, abandoned: 1, retired: 1 } satisfies Record<Exclude<SheetStatus, 'none'>, 1>);
const SHEET_OUTCOMES = Object.keys({ active: 1, completed: 1, abandoned: 1, retired: 1, carried_over: 1 } satisfies Record<SheetOutcomeKind, 1>);
const count = (name: string, description: string) => c(name, 'integer', description, { required: true, minimum: 0 });

const SHEET_KEYS = [
  c('roadmapId', 'string', 'Identifiant de la feuille de route (ex. scoran-centre-val-de-loire)', { required: true, pattern: SLUG_PATTERN }),
  c('sheetId', 'string', 'Identifiant stable de la fiche, inchangé d’une version à l’autre', { required: true, pattern: SLUG_PATTERN }),
  c('version', 'string', 'Version de la feuille de route (V3, V4…)', { required: true, pattern: VERSION_PATTERN }),
  c('sheetNumber', 'string', 'Numéro de la fiche dans cette version (ex. 3.10) ; vide quand les sources n’en donnent pas (fiches V3 connues par le bilan)'),
  c('enjeuId', 'string', 'Enjeu : transversal, inclusion, performance, avenir'),
  c('enjeuNumber', 'integer', 'Numéro de l’enjeu (1 à 4)'),
  c('enjeuTitle', 'string', 'Intitulé de l’enjeu'),
];

export const SHEET_COLUMNS: readonly ColumnDefinition[] = [
  ...SHEET_KEYS,
  c('kind', 'string', 'Nature de la fiche : animation ou projet', { enum: SHEET_KINDS }),
  c('title', 'string', 'Titre de la fiche', { required: true }),
  c('objective', 'string', 'Objectif de la fiche'),
  c('status', 'string', 'Statut actuel : active, completed (terminée), abandoned (abandonnée), retired (retirée)', { required: true, enum: SHEET_STATUSES }),
  c('outcome', 'string', 'Devenir de la fiche dans cette version : active, completed, abandoned, retired, carried_over (reconduite)', { required: true, enum: SHEET_OUTCOMES }),
  c('outcomeDate', 'date', 'Date de ce devenir quand elle est connue'),
  c('nextVersion', 'string', 'Version où la fiche est reconduite', { pattern: VERSION_PATTERN }),
  c('mergedInto', 'string', 'Fiche dans laquelle celle-ci a été fusionnée'),
  c('pilots', 'string', 'Organisations pilotes (identifiants séparés par « ; »)'),
  c('partners', 'string', 'Organisations partenaires (identifiants séparés par « ; »)'),
  count('indicatorCount', 'Nombre d’indicateurs'),
  count('indicatorsReported', 'Indicateurs ayant au moins une valeur'),
  count('milestoneCount', 'Nombre de jalons'),
  count('milestonesReached', 'Jalons atteints'),
];

export const INDICATOR_COLUMNS: readonly ColumnDefinition[] = [
  ...SHEET_KEYS,
  c('sheetTitle', 'string', 'Titre de la fiche'),
  c('indicatorId', 'string', 'Identifiant stable de l’indicateur dans la fiche', { required: true, pattern: SLUG_PATTERN }),
  c('indicatorName', 'string', 'Libellé de l’indicateur'),
  c('unit', 'string', 'Unité : count (nombre entier), percent, amount (euros), ratio, number', { required: true, enum: UNITS }),
  c('targetValue', 'number', 'Valeur cible finale (la cible de date la plus lointaine)'),
  c('targetDate', 'date', 'Date de la cible finale'),
  c('targetLabel', 'string', 'Libellé de la cible finale, tel que donné par la source'),
  c('targets', 'string', 'Toutes les cibles, « valeur@date » séparées par « ; » (date : dernier jour de l’échéance, vide sans échéance)'),
  c('latestValue', 'number', 'Dernière valeur régionale connue'),
  c('latestDate', 'date', 'Dernier jour de la période d’observation de la dernière valeur régionale'),
  count('reportCount', 'Nombre de valeurs publiées (tous territoires)'),
  c('targetReached', 'boolean', 'La dernière valeur régionale atteint-elle la cible finale de même territoire et zone ? (vide sans cible, sans valeur, ou quand le qualificatif de la valeur ne permet pas de le dire)'),
  c('targetDue', 'string', 'Échéance de la cible finale telle qu’imprimée (2025, 2026-06, 2023-late…), vide sans date'),
  c('targetQualifier', 'string', 'Qualificatif de la cible finale : exact, about (environ), more_than (plus de)…', { enum: QUALIFIERS }),
  c('latestObserved', 'string', 'Période d’observation de la dernière valeur régionale, aussi précise que la source (2023, 2023-Q1, 2022-late…)'),
  c('latestQualifier', 'string', 'Qualificatif de la dernière valeur régionale : exact, about (environ), more_than (plus de)…', { enum: QUALIFIERS }),
  c('targetsScoped', 'string', 'Toutes les cibles telles qu’imprimées, « valeur@échéance@territoire@zone@qualificatif » séparées par « ; » (vides quand la source n’en donne pas)'),
];

export const SERIES_COLUMNS: readonly ColumnDefinition[] = [
  ...SHEET_KEYS,
  c('indicatorId', 'string', 'Identifiant stable de l’indicateur dans la fiche', { required: true, pattern: SLUG_PATTERN }),
  c('indicatorName', 'string', 'Libellé de l’indicateur'),
  c('unit', 'string', 'Unité : count, percent, amount, ratio, number', { required: true, enum: UNITS }),
  c('territoryCode', 'string', 'Code INSEE du territoire : 24 pour la région, 18, 28, 36, 37, 41, 45 pour les départements', { required: true, enum: Object.keys(TERRITORIES) }),
  c('territoryName', 'string', 'Nom du territoire'),
  c('territoryLevel', 'string', 'region ou department', { required: true, enum: ['region', 'department'] }),
  c('zone', 'string', 'Découpage complémentaire quand la source en donne un (ex. zone de déploiement de la fibre : privee, publique, amel)'),
  c('date', 'date', 'Dernier jour de la période d’observation de la valeur (temps de validité)', { required: true }),
  c('value', 'number', 'Valeur, corrections comprises', { required: true }),
  c('corrected', 'boolean', 'La valeur a été corrigée depuis sa première publication', { required: true }),
  c('targetValue', 'number', 'Cible en vigueur à cette date pour le même territoire et la même zone : la première cible dont la date est postérieure ou égale, sinon la dernière ; vide quand la source n’en donne pas pour ce territoire et cette zone'),
  c('targetDate', 'date', 'Dernier jour de l’échéance de cette cible'),
  c('source', 'string', 'Source de la valeur, telle que déclarée'),
  c('reportId', 'string', 'Identifiant de la publication (renvoie au journal des événements)', { required: true, unique: true }),
  c('observed', 'string', 'Période d’observation telle qu’imprimée par la source : 2023, 2023-Q1, 2022-late (fin 2022), 2023-06-07', { required: true }),
  c('observedFr', 'string', 'La même en français : « en 2023 », « au 1er trimestre 2023 », « fin 2022 »', { required: true }),
  c('qualifier', 'string', 'Qualificatif de la valeur : exact, about (environ), more_than (plus de), slightly_more_than (un peu plus de), at_least, less_than, at_most', { required: true, enum: QUALIFIERS }),
  c('valueFr', 'string', 'La valeur en français avec son qualificatif : « environ 44 % »', { required: true }),
  c('targetDue', 'string', 'Échéance de cette cible telle qu’imprimée'),
];

export const FINDING_COLUMNS: readonly ColumnDefinition[] = [
  c('roadmapId', 'string', 'Identifiant de la feuille de route'),
  c('findingId', 'string', 'Identifiant stable du constat'),
  c('status', 'string', 'open (ouvert), resolved (résolu), withdrawn (retiré)'),
  c('description', 'string', 'Ce que le constat relève'),
  c('figureLabel', 'string', 'Chiffre concerné (une ligne par chiffre ; vide pour un constat sans chiffre)'),
  c('printed', 'string', 'Ce que le document imprime (nombre ou texte ; JSON pour une structure)'),
  c('recomputed', 'string', 'Ce que donnent les propres chiffres du document ; vide quand rien ne permet de le recalculer'),
  c('recomputedAs', 'string', 'Comment ce chiffre est recalculé'),
  c('sheetIds', 'string', 'Fiches concernées (identifiants séparés par « ; »)'),
  c('refersTo', 'string', 'Ce que vise le constat : « fiche/indicateur@territoire:zone » ou « § section », séparés par « ; » (zone « tout » : le chiffre toutes zones)'),
  c('provenance', 'string', 'Où le document l’imprime : « section — « citation » », séparées par « | »'),
  c('recordedAt', 'date', 'Date d’enregistrement du constat (temps de transaction)'),
  c('resolution', 'string', 'Comment le constat a été résolu'),
  c('resolvedOn', 'date', 'Jour de la résolution'),
  c('withdrawnReason', 'string', 'Pourquoi le constat a été retiré'),
];

export const DATASETS = { sheets: SHEET_COLUMNS, indicators: INDICATOR_COLUMNS, series: SERIES_COLUMNS, findings: FINDING_COLUMNS } as const;
export type DatasetName = keyof typeof DATASETS;
export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

/** What portals show of each dataset, and the columns that identify a row in every export of it. */
export const DATASET_INFO: Readonly<Record<DatasetName, { title: string; description: string; primaryKey: readonly string[] }>> = {
  sheets: {
    title: 'Fiches de la feuille de route',
    description: 'Une ligne par fiche, dans sa version courante (ou dans la version demandée) : enjeu, nature, pilotes et partenaires, devenir, nombre d’indicateurs et de jalons.',
    // A sheet is in a version once; the export without ?version= gives each sheet once.
    primaryKey: ['sheetId', 'version'],
  },
  indicators: {
    title: 'Indicateurs des fiches',
    description: 'Une ligne par indicateur : cible finale, dernière valeur régionale, nombre de valeurs publiées, cible atteinte ou non.',
    primaryKey: ['sheetId', 'indicatorId'],
  },
  series: {
    title: 'Séries de valeurs des indicateurs',
    description: 'Une ligne par valeur publiée (indicateur, territoire, zone, date), avec la cible en vigueur à sa date.',
    primaryKey: ['reportId'],
  },
  findings: {
    title: 'Constats sur la qualité des données',
    description: 'Une ligne par constat et par chiffre en cause : ce que le document imprime, ce que ses propres chiffres donnent, ce que le constat vise, où il est imprimé, son état.',
    primaryKey: [],
  },
};
