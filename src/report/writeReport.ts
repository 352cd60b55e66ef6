// Writes report.html for a run directory: `simq report` and the end of `simq analyze` call this.
// An existing report is never replaced without --force; the file is written atomically.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { OutputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { REPORT_HTML } from '../rundir/RunFiles.js';
import { buildReport } from './buildReport.js';
import { loadReportInputs } from './loadReportInputs.js';
import { loadUplotAssets } from './uplotAssets.js';
import { shellCommand } from '../io/shellQuote.js';

export const REPORT_FILE = REPORT_HTML;

export interface WriteReportOptions {
  /** Output file; default <run-dir>/report.html. */
  out?: string;
  /** Replace an existing file. */
  force?: boolean;
  /** The "report made" time shown in the header (tests pin it). */
  now?: Date;
}

/** Writes the report and returns the absolute path of the file written. */
export function writeReport(runDir: string, options: WriteReportOptions = {}): string {
  const inputs = loadReportInputs(runDir);
  const file = path.resolve(options.out ?? path.join(runDir, REPORT_FILE));
  if (existsSync(file) && !options.force) {
    throw new OutputError(
      `${file} already exists; simq does not overwrite a report`,
      `${shellCommand(['simq', 'report', runDir, '--force'])}   (or --out another.html)`,
    );
  }
  const { html } = buildReport(inputs, loadUplotAssets(), options.now);
  try {
    writeFileAtomic(file, html);
  } catch (e) {
    throw new OutputError(
      (e as Error).message,
      'free some space, or pass --out with a file in a folder you can write to',
    );
  }
  return file;
}
