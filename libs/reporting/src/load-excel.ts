import type ExcelJS from 'exceljs';

let loaded: Promise<typeof ExcelJS> | undefined;

/** exceljs, loaded on first use: it costs a start-up a fifth of a second for what few requests need. */
export function loadExcel(): Promise<typeof ExcelJS> {
  loaded ??= import('exceljs').then((m) => m.default);
  return loaded;
}
