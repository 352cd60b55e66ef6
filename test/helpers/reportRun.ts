// A copy of a run directory's text files, shared by the report tests (report.cli.test.ts and
// report.browser.test.ts): run.json, CSVs, recommendation.json, each scenario's stats.csv; no media.
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** A copy of a run directory's text files (run.json, CSVs, recommendation.json): no media. */
export function copyRunText(src: string, dst: string, options: { recommendation?: boolean } = {}): string {
  mkdirSync(dst, { recursive: true });
  for (const entry of readdirSync(src)) {
    const from = path.join(src, entry);
    if (statSync(from).isDirectory()) {
      if (existsSync(path.join(from, 'stats.csv'))) {
        mkdirSync(path.join(dst, entry));
        cpSync(path.join(from, 'stats.csv'), path.join(dst, entry, 'stats.csv'));
      }
    } else if (/^(run\.json|quality\.csv|pictures\.csv|frames\.csv|recommendation\.json)$/.test(entry)) {
      if (entry === 'recommendation.json' && options.recommendation === false) continue;
      cpSync(from, path.join(dst, entry));
    }
  }
  return dst;
}
