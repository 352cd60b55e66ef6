// The one CSV reader: every CSV simq reads back (stats.csv, <rid>.frames.csv, quality.csv,
// pictures.csv) goes through csv-parse with the columns found by name and numbers parsed. Empty
// cells stay undefined (never 0): a missing target is not a target of 0 kbps.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';

export type CsvRow = Record<string, string | number | undefined>;

export interface CsvSpec {
  /** Columns without which the file is unusable (the header must name them). */
  required: readonly string[];
  /** Columns parsed as numbers. */
  numeric: readonly string[];
  /** Numeric columns that may not be empty on any row. */
  filled?: readonly string[];
  /** What re-creates the file, for the error's fix line. */
  fix: string;
}

/** Parses CSV text; `file` names it in errors. A file with a header and no rows gives []. */
export function parseCsvText(text: string, file: string, spec: CsvSpec): CsvRow[] {
  let records: Record<string, string>[];
  let header: string[] = [];
  try {
    // The header is kept even when no row follows it, so a header-only file is still checked.
    records = parse(text, { columns: (h: string[]) => (header = h), skip_empty_lines: true, trim: true }) as Record<
      string,
      string
    >[];
  } catch (e) {
    throw new InputError(`${file}: not a readable CSV (${(e as Error).message})`, spec.fix);
  }
  if (header.length === 0) return [];
  const missing = spec.required.filter((c) => !header.includes(c));
  if (missing.length)
    throw new InputError(`${file}: missing column(s) ${missing.join(', ')} (has ${header.join(', ')})`, spec.fix);
  const filled = new Set(spec.filled ?? []);
  return records.map((record, i) => {
    const row: CsvRow = { ...record };
    for (const c of spec.numeric) {
      const cell = record[c];
      // Line i + 2: the header is line 1.
      if ((cell === undefined || cell === '') && filled.has(c))
        throw new InputError(`${file} line ${i + 2}: ${c} is empty`, spec.fix);
      if (cell === undefined || cell === '') {
        row[c] = undefined;
        continue;
      }
      const n = Number(cell);
      if (!Number.isFinite(n)) throw new InputError(`${file} line ${i + 2}: ${c} "${cell}" is not a number`, spec.fix);
      row[c] = n;
    }
    return row;
  });
}

export function readCsvText(file: string, fix: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, fix);
  }
}

export function readCsvFile(file: string, spec: CsvSpec): CsvRow[] {
  return parseCsvText(readCsvText(file, spec.fix), file, spec);
}
