// simq's command line. Each command lives in src/commands/<name>.ts and registers itself here.
import { Command, CommanderError } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { ExitCode, InputError, outputErrorFromErrno, SimqError } from './errors.js';
import { shellQuote } from './io/shellQuote.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerCapture } from './commands/capture.js';
import { registerDoctor } from './commands/doctor.js';
import { registerMeasure } from './commands/measure.js';
import { registerMerge } from './commands/merge.js';
import { registerPlan } from './commands/plan.js';
import { registerRecommend } from './commands/recommend.js';
import { registerReport } from './commands/report.js';
import { registerSamples } from './commands/samples.js';
import { registerViewers } from './commands/viewers.js';
import { packageVersion } from './paths.js';
import { printable } from './ui/printable.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('simq')
    .description(
      "Simulcast layer quality analysis with the browser's own encoder.\n" +
        'capture -> measure -> recommend/report, each stage reading and writing one run directory.',
    )
    .version(packageVersion())
    .showHelpAfterError('(run simq <command> --help for the options)')
    .exitOverride();
  registerAnalyze(program);
  registerCapture(program);
  registerMeasure(program);
  registerMerge(program);
  registerRecommend(program);
  registerReport(program);
  registerPlan(program);
  registerSamples(program);
  registerViewers(program);
  registerDoctor(program);
  return program;
}

const MEDIA_OR_JSON = /\.(mp4|m4v|mov|webm|mkv|y4m|avi|ivf|h264|json)$/i;

/**
 * A file name that begins with "-" is read as options (-dash.mp4 is -d ash.mp4): refuse it and say
 * how to pass it, before commander turns it into something else.
 */
export function checkOptionLikeFiles(args: readonly string[]): void {
  const end = args.indexOf('--');
  for (const a of end < 0 ? args : args.slice(0, end)) {
    if (!/^-[^-]/.test(a) && !/^--[^=]*\./.test(a)) continue;
    if (MEDIA_OR_JSON.test(a) || (existsSync(a) && statSync(a).isFile())) {
      throw new InputError(
        `"${a}" looks like an option but is a file name`,
        `put -- before it, e.g. simq capture [options] -- ${shellQuote(a)}  (or write it as ./${a})`,
      );
    }
  }
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    checkOptionLikeFiles(argv.slice(2));
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return e.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    if (e instanceof SimqError) {
      process.stderr.write(`simq: ${printable(e.message)}\n`);
      if (e.fix) process.stderr.write(`  fix: ${printable(e.fix)}\n`);
      return e.exitCode;
    }
    const io = outputErrorFromErrno(e);
    if (io) {
      process.stderr.write(`simq: ${printable(io.message)}\n  fix: ${printable(io.fix ?? '')}\n`);
      return io.exitCode;
    }
    process.stderr.write(`simq: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
    return ExitCode.internal;
  }
}
