// simq's command line. Each command lives in src/commands/<name>.ts and registers itself here.
import { Command, CommanderError } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { ExitCode, InputError, outputErrorFromErrno, SimqError } from './errors.js';
import { shellQuote } from './io/shellQuote.js';
import { packageVersion } from './paths.js';
import { printable } from './ui/printable.js';

type Register = (program: Command) => unknown;

// Each command's module graph is loaded only when that command runs: `simq plan` then starts in about
// 0.2 s instead of 0.5 s (the full graph is ~270 modules: capture, measure, Janus, zod schemas). In the
// order `simq --help` lists them.
const COMMANDS: Record<string, () => Promise<Register>> = {
  analyze: async () => (await import('./commands/analyze.js')).registerAnalyze,
  capture: async () => (await import('./commands/capture.js')).registerCapture,
  measure: async () => (await import('./commands/measure.js')).registerMeasure,
  merge: async () => (await import('./commands/merge.js')).registerMerge,
  recommend: async () => (await import('./commands/recommend.js')).registerRecommend,
  report: async () => (await import('./commands/report.js')).registerReport,
  plan: async () => (await import('./commands/plan.js')).registerPlan,
  samples: async () => (await import('./commands/samples.js')).registerSamples,
  viewers: async () => (await import('./commands/viewers.js')).registerViewers,
  doctor: async () => (await import('./commands/doctor.js')).registerDoctor,
};

/**
 * The program with every command (`only` names one command to register alone: what `main` does when
 * the first argument is a command's name, so that command's options and errors are exactly the same).
 */
export async function buildProgram(only?: string): Promise<Command> {
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
  const names = only !== undefined && Object.hasOwn(COMMANDS, only) ? [only] : Object.keys(COMMANDS);
  const registers = await Promise.all(names.map((n) => COMMANDS[n]()));
  for (const register of registers) register(program);
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
  try {
    checkOptionLikeFiles(argv.slice(2));
    const program = await buildProgram(argv[2]);
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
