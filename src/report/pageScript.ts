// The report page's script, compiled from src/report/page/reportPage.ts by `npm run build` and read
// from dist/ when a report is written (it is inlined: a report opens offline, from disk).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../errors.js';
import { packageRoot } from '../paths.js';

let cached: string | undefined;

export function reportPageScript(): string {
  if (cached !== undefined) return cached;
  const file = path.join(packageRoot(), 'dist', 'report-page', 'reportPage.js');
  try {
    cached = readFileSync(file, 'utf8');
  } catch (e) {
    throw new EnvironmentError(
      `the report page script ${file} is missing (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      'build simq first: npm run build',
    );
  }
  return cached;
}
