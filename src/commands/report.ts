// `simq report <run-dir>`: one self-contained report.html (charts, tables, recommendation) from
// whatever stages have run. No browser, no ffmpeg.
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { writeReport } from '../report/writeReport.js';
import { withRun } from '../rundir/openRun.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'Write a self-contained HTML report of a run: bitrate timelines per layer, quality vs bitrate per viewer size, ' +
        'per-frame quality, the quality table and the recommendation. Opens from disk, makes no network requests. See docs/report.md.',
    )
    .argument('<run-dir>', 'a run directory made by simq capture (measured and recommended runs show more)')
    .option('--out <file>', 'where to write the report (default: <run-dir>/report.html)')
    .option('--force', 'replace an existing report')
    .addHelpText(
      'after',
      '\nExamples:\n  simq report results/<run-id>\n  simq report results/<run-id> --out /tmp/run.html --force\n',
    )
    .action((runDir: string, opts: { out?: string; force?: boolean }) => {
      const warn = (line: string) => process.stderr.write(`simq: warning: ${line}\n`);
      const file = withRun(runDir, 'report', warn, () => writeReport(runDir, { out: opts.out, force: opts.force }), {
        readOnly: opts.out !== undefined,
      });
      process.stdout.write(`wrote ${file} (${Math.round(statSync(file).size / 1024)} KiB)\n`);
    });
}
