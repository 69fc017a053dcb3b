/**
 * The open-data datasets and their columns. This list is the contract: the CSV header, the JSON keys
 * and docs/open-data.md all follow it (a test checks the documentation names every column).
 */
export interface ColumnDefinition {
  name: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'date';
  description: string;
}

const c = (name: string, type: ColumnDefinition['type'], description: string): ColumnDefinition => ({ name, type, description });

const SHEET_KEYS = [
  c('roadmapId', 'string', 'Identifiant de la feuille de route (ex. scoran-centre-val-de-loire)'),
  c('sheetId', 'string', 'Identifiant stable de la fiche, inchangé d’une version à l’autre'),
  c('version', 'string', 'Version de la feuille de route (V3, V4…)'),
  c('sheetNumber', 'string', 'Numéro de la fiche dans cette version (ex. 3.10)'),
  c('enjeuId', 'string', 'Enjeu : transversal, inclusion, performance, avenir'),
  c('enjeuNumber', 'integer', 'Numéro de l’enjeu (1 à 4)'),
  c('enjeuTitle', 'string', 'Intitulé de l’enjeu'),
];

export const SHEET_COLUMNS: readonly ColumnDefinition[] = [
  ...SHEET_KEYS,
  c('kind', 'string', 'Nature de la fiche : animation ou projet'),
  c('title', 'string', 'Titre de la fiche'),
  c('objective', 'string', 'Objectif de la fiche'),
  c('status', 'string', 'Statut actuel : active, completed (terminée), abandoned (abandonnée), retired (retirée)'),
  c('outcome', 'string', 'Devenir de la fiche dans cette version : active, completed, abandoned, retired, carried_over (reconduite)'),
  c('outcomeDate', 'date', 'Date de ce devenir quand elle est connue'),
  c('nextVersion', 'string', 'Version où la fiche est reconduite'),
  c('mergedInto', 'string', 'Fiche dans laquelle celle-ci a été fusionnée'),
  c('pilots', 'string', 'Organisations pilotes (identifiants séparés par « ; »)'),
  c('partners', 'string', 'Organisations partenaires (identifiants séparés par « ; »)'),
  c('indicatorCount', 'integer', 'Nombre d’indicateurs'),
  c('indicatorsReported', 'integer', 'Indicateurs ayant au moins une valeur'),
  c('milestoneCount', 'integer', 'Nombre de jalons'),
  c('milestonesReached', 'integer', 'Jalons atteints'),
];

export const INDICATOR_COLUMNS: readonly ColumnDefinition[] = [
  ...SHEET_KEYS,
  c('sheetTitle', 'string', 'Titre de la fiche'),
  c('indicatorId', 'string', 'Identifiant stable de l’indicateur dans la fiche'),
  c('indicatorName', 'string', 'Libellé de l’indicateur'),
  c('unit', 'string', 'Unité : count (nombre entier), percent, amount (euros), ratio, number'),
  c('targetValue', 'number', 'Valeur cible finale (la cible de date la plus lointaine)'),
  c('targetDate', 'date', 'Date de la cible finale'),
  c('targetLabel', 'string', 'Libellé de la cible finale, tel que donné par la source'),
  c('targets', 'string', 'Toutes les cibles, « valeur@date » séparées par « ; »'),
  c('latestValue', 'number', 'Dernière valeur régionale connue'),
  c('latestDate', 'date', 'Date d’observation de la dernière valeur régionale'),
  c('reportCount', 'integer', 'Nombre de valeurs publiées (tous territoires)'),
  c('targetReached', 'boolean', 'La dernière valeur régionale atteint-elle la cible finale ? (vide sans cible ou sans valeur)'),
];

export const SERIES_COLUMNS: readonly ColumnDefinition[] = [
  ...SHEET_KEYS,
  c('indicatorId', 'string', 'Identifiant stable de l’indicateur dans la fiche'),
  c('indicatorName', 'string', 'Libellé de l’indicateur'),
  c('unit', 'string', 'Unité : count, percent, amount, ratio, number'),
  c('territoryCode', 'string', 'Code INSEE du territoire : 24 pour la région, 18, 28, 36, 37, 41, 45 pour les départements'),
  c('territoryName', 'string', 'Nom du territoire'),
  c('territoryLevel', 'string', 'region ou department'),
  c('zone', 'string', 'Découpage complémentaire quand la source en donne un (ex. zone de déploiement de la fibre : privee, publique, amel)'),
  c('date', 'date', 'Date d’observation de la valeur (temps de validité)'),
  c('value', 'number', 'Valeur, corrections comprises'),
  c('corrected', 'boolean', 'La valeur a été corrigée depuis sa première publication'),
  c('targetValue', 'number', 'Cible en vigueur à cette date : la première cible dont la date est postérieure ou égale, sinon la dernière. Les cibles sont régionales : vide pour les lignes départementales'),
  c('targetDate', 'date', 'Date de cette cible'),
  c('source', 'string', 'Source de la valeur, telle que déclarée'),
  c('reportId', 'string', 'Identifiant de la publication (renvoie au journal des événements)'),
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
