import { formatDatedFr, isDatedLabel, isPeriod, parseDated } from '#domain';
/** The French words the dashboard shows for the domain's identifiers. */
export const STATUS_FR: Record<string, string> = {
  active: 'En cours', completed: 'Terminée', abandoned: 'Abandonnée', retired: 'Retirée', carried_over: 'Reconduite',
  completed_or_not_renewed: 'Achevée ou non reconduite', unstated: 'Non reprise, sans motif indiqué',
};
export const KIND_FR: Record<string, string> = { animation: 'Animation', projet: 'Projet' };
export const UNIT_FR: Record<string, string> = { count: 'nombre', percent: '%', amount: '€', ratio: 'ratio', number: 'valeur' };
export const EVENT_FR: Record<string, string> = {
  SheetCreated: 'Fiche créée', SheetRevised: 'Fiche révisée', IndicatorAdded: 'Indicateur ajouté', MilestoneAdded: 'Jalon ajouté',
  IndicatorTargetSet: 'Cible fixée', IndicatorReported: 'Valeur publiée', IndicatorReportCorrected: 'Valeur corrigée',
  MilestoneReached: 'Jalon atteint', MilestoneRescheduled: 'Jalon replanifié', ProjectCompleted: 'Projet terminé',
  ProjectAbandoned: 'Projet abandonné', SheetRetired: 'Fiche retirée', SheetCarriedOver: 'Fiche reconduite',
  IndicatorFrequencySet: 'Fréquence de saisie fixée', SheetVersionRecordCorrected: 'Fiche : numéro d\'une version passée corrigé',
  MilestoneDefinitionCorrected: 'Jalon : échéance corrigée selon le document',
};
export const REASON_FR: Record<string, string> = {
  completed: 'achevée', not_renewed: 'non reconduite', insufficient_partners: 'partenaires insuffisants', merged: 'fusionnée',
  out_of_scope: 'hors périmètre', no_funding: 'absence de financement', other: 'autre motif',
  completed_or_not_renewed: 'achevée ou non reconduite, le document ne dit pas laquelle', unstated: 'motif non indiqué par le document',
};
export const FREQUENCY_FR: Record<string, string> = { monthly: 'mensuelle', quarterly: 'trimestrielle', yearly: 'annuelle', once: 'unique' };

/**
 * How a sheet ended in a version, as the roll-up counts it: a retirement for want of partners is an
 * abandonment; "achevés ou non reconduits" and a retirement without a stated reason stay what they are.
 */
export function shownOutcome(outcome: { outcome: string; reason: string | null } | undefined, status: string): string {
  if (!outcome || outcome.outcome === 'active') return status;
  if (outcome.outcome === 'retired' && outcome.reason === 'insufficient_partners') return 'abandoned';
  if (outcome.outcome === 'retired' && (outcome.reason === 'completed_or_not_renewed' || outcome.reason === 'unstated')) return outcome.reason;
  return outcome.outcome;
}

export const ZONE_FR: Record<string, string> = { privee: 'Zone privée', publique: 'Zone publique', amel: 'AMEL' };

// The formatters are made on first use: the first one made in a process loads ICU's data, which a
// start of the API, that renders no page, does without (see scripts/bundle-services.mjs).
let numberFormat: Intl.NumberFormat | undefined;
export const formatNumber = (n: number) => (numberFormat ??= new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 })).format(n);
export function formatValue(n: number, unit: string): string {
  if (unit === 'percent') return `${formatNumber(n)} %`;
  if (unit === 'amount') return `${formatNumber(n)} €`;
  return formatNumber(n);
}

const QUALIFIER_FR: Record<string, string> = {
  about: 'environ', more_than: 'plus de', slightly_more_than: 'un peu plus de', at_least: 'au moins', less_than: 'moins de', at_most: 'au plus',
};
/** A value as the source prints it: "environ 44 %", never more precise than its qualifier allows. */
export function formatPrinted(n: number, unit: string, qualifier: string | null | undefined): string {
  const word = qualifier ? QUALIFIER_FR[qualifier] : undefined;
  return word ? `${word} ${formatValue(n, unit)}` : formatValue(n, unit);
}

/** A due date as printed, without its preposition where the table heads say "Échéance": "T4 2023", "2023", "fin 2023", "à partir de 2024". */
export function formatDue(label: string | null | undefined): string {
  if (!label) return '—';
  if (isPeriod(label)) return formatDay(label);
  return isDatedLabel(label) ? formatDatedFr(parseDated(label)) : label;
}

/** A milestone's due date as the table prints it: with the document's question mark, or its relative horizon ("à 3 ans"). */
export function formatMilestoneDue(m: { due: string | null; uncertain?: boolean; horizon?: { printed: string } }): string {
  if (m.due === null && m.horizon) return m.horizon.printed;
  const due = formatDue(m.due);
  return m.uncertain && m.due ? `${due} ?` : due;
}

/** A date as the source prints it: "en 2023", "fin 2022", "au 1er trimestre 2023", "le 7 juin 2023". */
export function formatObserved(label: string | null | undefined, day: string | null): string {
  if (label && isDatedLabel(label)) return formatDatedFr(parseDated(label));
  return day ? `le ${formatDay(day)}` : '';
}

let dayFormat: Intl.DateTimeFormat | undefined;
/** A calendar day in words (« 31 mars 2023 »); other labels (periods) are shown as given. */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(day)) return (dayFormat ??= new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })).format(new Date(`${day}T00:00:00Z`));
  const m = /^(\d{4})-(S|Q)(\d)$/.exec(day);
  if (m) return m[2] === 'S' ? `${m[3] === '1' ? '1er' : '2e'} semestre ${m[1]}` : `T${m[3]} ${m[1]}`;
  const month = /^(\d{4})-(\d{2})$/.exec(day);
  if (month) return new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}-01T00:00:00Z`));
  return day.replace('/', ' – ');
}
export const formatInstant = (iso: string) => new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(new Date(iso));
