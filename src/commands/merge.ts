// `simq merge <run>... --out <run>`: join the shard runs of a study into one run directory.
import type { Command } from 'commander';
import { abortOnSignals } from '../signals.js';
import { mergeRuns } from '../study/mergeRuns.js';
import { describeDifferences } from '../study/resumeCheck.js';

interface MergeCliOptions {
  out: string;
  allowMixed?: boolean;
  json?: boolean;
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description(
      'join the shard runs of a study (simq analyze --shard i/n) into one run that recommend and report read as one; the shard runs are not modified',
    )
    .argument('<runs...>', 'the shard run directories')
    .requiredOption('-o, --out <run-dir>', 'the merged run directory to create (must not exist)')
    .option(
      '--allow-mixed',
      'merge even when clips, plan or browser/ffmpeg/libvmaf versions differ (recorded in run.json "merge.mixed")',
    )
    .option('--json', 'print the merged run.json on stdout')
    .action(async (runs: string[], opts: MergeCliOptions) => {
      const controller = new AbortController();
      const untrap = abortOnSignals(controller);
      let result;
      try {
        result = await mergeRuns({
          runs,
          out: opts.out,
          allowMixed: opts.allowMixed,
          argv: process.argv.slice(2),
          signal: controller.signal,
        });
      } finally {
        untrap();
      }
      if (result.mixed.length)
        process.stderr.write(
          `simq: warning: merged shards differ: ${describeDifferences(result.mixed)} (recorded in run.json merge.mixed)\n`,
        );
      if (opts.json) process.stdout.write(JSON.stringify(result.record, null, 2) + '\n');
      else {
        const r = result.record;
        process.stdout.write(
          `merged ${runs.length} shard runs: ${r.scenarios.length} scenarios (${r.status}), ${r.measure ? 'measured' : 'not measured'}\nrun directory: ${result.dir}\nnext: simq recommend ${result.dir} && simq report ${result.dir}\n`,
        );
      }
    });
}
