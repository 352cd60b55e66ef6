// `node dist/bench/subsampleError.js RUN_DIR [N ...]`: the error quick mode (--vmaf-subsample N)
// makes in the aggregates of a fully measured run. Quick mode scores pictures 0, N, 2N, ... of each
// (layer, size) exactly as a full run does (test/subsample.cli.test.ts), so its aggregates are those of
// the full run's pictures.csv restricted to display_index % N == 0; this compares them with
// quality.csv. Prints mean and largest |difference| over all (layer, size) rows per metric.
import { PICTURES_CSV, picturesCsvToRead, QUALITY_CSV, runFile } from '../rundir/RunFiles.js';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { aggregate } from '../measure/aggregate.js';

type Row = Record<string, string>;
const csv = (file: string): Row[] =>
  parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];

const METRICS = [
  { column: 'vmaf_mean', frame: 'vmaf', pick: (a: ReturnType<typeof aggregate>) => a.mean },
  { column: 'vmaf_p5', frame: 'vmaf', pick: (a: ReturnType<typeof aggregate>) => a.p5 },
  { column: 'psnr_y_mean', frame: 'psnr_y', pick: (a: ReturnType<typeof aggregate>) => a.mean },
  { column: 'ssim_mean', frame: 'ssim', pick: (a: ReturnType<typeof aggregate>) => a.mean },
];

function errors(runDir: string, every: number): Map<string, { diff: number; at: string }[]> {
  const quality = csv(runFile(runDir, QUALITY_CSV));
  const frames = csv(picturesCsvToRead(runDir) ?? runFile(runDir, PICTURES_CSV));
  const out = new Map<string, { diff: number; at: string }[]>(METRICS.map((m) => [m.column, []]));
  for (const q of quality) {
    const pictures = frames.filter(
      (f) =>
        f.scenario_id === q.scenario_id &&
        f.rid === q.rid &&
        f.size === q.size &&
        f.warmup === '0' &&
        (q.view === 'displayed' || f.frozen === '0'),
    );
    const chosen = pictures.filter((f) => Number(f.display_index) % every === 0);
    for (const m of METRICS) {
      const quick = m.pick(aggregate(chosen.map((f) => (f[m.frame] === '' ? undefined : Number(f[m.frame])))));
      if (quick === undefined || q[m.column] === '') continue;
      out.get(m.column)!.push({ diff: quick - Number(q[m.column]), at: `${q.scenario_id} ${q.rid}@${q.size}` });
    }
  }
  return out;
}

function main(): void {
  const [runDir, ...ns] = process.argv.slice(2);
  if (!runDir) throw new Error('usage: node dist/bench/subsampleError.js RUN_DIR [N ...]');
  for (const every of (ns.length ? ns : ['2', '3', '4']).map(Number)) {
    for (const [column, list] of errors(runDir, every)) {
      if (list.length === 0) continue;
      const abs = list.map((e) => Math.abs(e.diff));
      const worst = list[abs.indexOf(Math.max(...abs))];
      const meanAbs = abs.reduce((a, b) => a + b, 0) / abs.length;
      console.log(
        `N=${every} ${column.padEnd(12)} mean |d| ${meanAbs.toFixed(4)}  max |d| ${Math.abs(worst.diff).toFixed(4)} (${worst.at}, ${worst.diff > 0 ? '+' : ''}${worst.diff.toFixed(4)})  over ${list.length} rows`,
      );
    }
  }
}

main();
