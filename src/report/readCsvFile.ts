// Reads the run directory's per-second and per-picture CSVs (stats.csv, pictures.csv) into rows with
// numbers parsed. Empty cells stay undefined (never 0): a missing target is not a target of 0 kbps.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';

export type CsvRow = Record<string, string | number | undefined>;

export interface CsvSpec {
  /** Columns without which the file is unusable. */
  required: readonly string[];
  /** Columns parsed as numbers. */
  numeric: readonly string[];
  /** What re-creates the file, for the error's fix line. */
  fix: string;
}

export function parseCsvText(text: string, file: string, spec: CsvSpec): CsvRow[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (e) {
    throw new InputError(`${file}: not a readable CSV (${(e as Error).message})`, spec.fix);
  }
  if (records.length === 0) return [];
  const header = Object.keys(records[0]);
  const missing = spec.required.filter((c) => !header.includes(c));
  if (missing.length) throw new InputError(`${file}: missing column(s) ${missing.join(', ')} (has ${header.join(', ')})`, spec.fix);
  return records.map((record, i) => {
    const row: CsvRow = { ...record };
    for (const c of spec.numeric) {
      const cell = record[c];
      if (cell === undefined || cell === '') {
        row[c] = undefined;
        continue;
      }
      const n = Number(cell);
      // Line i + 2: the header is line 1.
      if (!Number.isFinite(n)) throw new InputError(`${file} line ${i + 2}: ${c} "${cell}" is not a number`, spec.fix);
      row[c] = n;
    }
    return row;
  });
}

export function readCsvFile(file: string, spec: CsvSpec): CsvRow[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, spec.fix);
  }
  return parseCsvText(text, file, spec);
}
