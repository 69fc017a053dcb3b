/** INSEE codes this roadmap reports on: the region and its six departments. */
export const REGION_CODE = '24';
export const DEPARTMENTS: Record<string, string> = {
  '18': 'Cher',
  '28': 'Eure-et-Loir',
  '36': 'Indre',
  '37': 'Indre-et-Loire',
  '41': 'Loir-et-Cher',
  '45': 'Loiret',
};
export const TERRITORIES: Record<string, string> = { [REGION_CODE]: 'Centre-Val de Loire', ...DEPARTMENTS };
export const isTerritory = (code: unknown): code is string => typeof code === 'string' && code in TERRITORIES;
