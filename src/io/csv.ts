// CSV output through csv-stringify: a header row with stable column names, then one row per record.
import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from './atomicWrite.js';

export type CsvValue = string | number | boolean | undefined | null;

/** Characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell a spreadsheet would evaluate gets a leading single quote; numbers stay numbers. */
export function neutraliseCell(v: string): string {
  return FORMULA_START.test(v) ? `'${v}` : v;
}

/** Columns are written in the given order; undefined / null / NaN cells are left empty (never 0). */
export function toCsv<T extends Record<string, CsvValue>>(
  columns: readonly (keyof T & string)[],
  rows: readonly T[],
): string {
  const clean = rows.map((r) =>
    columns.map((c) => {
      const v = r[c];
      if (v === undefined || v === null) return '';
      if (typeof v === 'number' && Number.isNaN(v)) return '';
      return typeof v === 'string' ? neutraliseCell(v) : v;
    }),
  );
  return stringify(clean, { header: true, columns: columns as string[] });
}

export function writeCsvAtomic<T extends Record<string, CsvValue>>(
  file: string,
  columns: readonly (keyof T & string)[],
  rows: readonly T[],
): void {
  writeFileAtomic(file, toCsv(columns, rows));
}
