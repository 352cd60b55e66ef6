// `simq samples`: generates the synthetic sample clips (camera, motion, screen, conference) with ffmpeg.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import {
  DEFAULT_SAMPLE_DURATION_S,
  RECIPES,
  defaultSampleDir,
  findRecipe,
  generateSample,
  recipeNames,
  type SampleResult,
} from '../samples/recipes.js';
import { probeFfmpeg } from '../tools/ffmpeg.js';
import { renderTable } from '../ui/table.js';
import { createProgress } from '../ui/progress.js';

interface SamplesCliOptions {
  out?: string;
  duration: string;
  only?: string;
  force?: boolean;
  ffmpeg?: string;
  json?: boolean;
  quiet?: boolean;
}

export function selectRecipes(only: string | undefined): string[] {
  if (only === undefined) return recipeNames();
  const names = only
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new InputError(
      `--only "${only}": name at least one sample (${recipeNames().join(', ')})`,
      `--only ${recipeNames()[0]}`,
    );
  const unknown = names.filter((n) => !findRecipe(n));
  if (unknown.length) {
    throw new InputError(
      `--only: unknown sample ${unknown.map((n) => `"${n}"`).join(', ')}; the samples are ${recipeNames().join(', ')}`,
      `--only ${recipeNames().join(',')}`,
    );
  }
  return [...new Set(names)];
}

export function parseSampleDuration(text: string): number {
  const d = Number(text);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || !(d > 0) || d > 600) {
    throw new InputError(`--duration ${text}: seconds per sample, more than 0 and at most 600`, '--duration 10');
  }
  return d;
}

export function registerSamples(program: Command): void {
  program
    .command('samples')
    .description('generate the synthetic sample clips (camera, motion, screen, conference) with ffmpeg, no downloads')
    .addHelpText(
      'after',
      `\nSamples (1280x720, 30 fps):\n${RECIPES.map((r) => `  ${r.name.padEnd(7)} ${r.description}`).join('\n')}`,
    )
    .option(
      '--out <dir>',
      `folder to write them to (default: ${path.relative(process.cwd(), defaultSampleDir()) || '.'})`,
    )
    .option('--duration <s>', 'seconds per sample', String(DEFAULT_SAMPLE_DURATION_S))
    .option('--only <names>', `comma-separated subset of ${recipeNames().join(',')}`)
    .option('--force', 'regenerate samples that already exist')
    .option('--ffmpeg <path>', 'ffmpeg binary to use')
    .option('--json', 'print the result as JSON on stdout')
    .option('--quiet', 'no progress on stderr')
    .action(async (opts: SamplesCliOptions) => {
      const names = selectRecipes(opts.only);
      const durationS = parseSampleDuration(opts.duration);
      const dir = opts.out ? path.resolve(opts.out) : defaultSampleDir();
      const ffmpeg = await probeFfmpeg(opts.ffmpeg);
      const progress = createProgress({ quiet: opts.quiet });
      const results: SampleResult[] = [];
      for (const [i, name] of names.entries()) {
        const r = await generateSample(name, { ffmpeg, dir, durationS, force: opts.force, progress });
        if (!r.generated) progress.info(`sample ${name}: ${r.path} exists, kept (--force regenerates it)`);
        else progress.info(`sample ${name}: done in ${r.seconds.toFixed(1)} s (${i + 1}/${names.length})`);
        results.push(r);
      }
      const rows = results.map((r) => ({
        name: r.name,
        path: r.path,
        contentHint: findRecipe(r.name)!.contentHint,
        status: r.generated ? 'generated' : 'kept',
        bytes: statSync(r.path).size,
      }));
      if (opts.json) {
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      process.stdout.write(
        renderTable(
          ['sample', 'contentHint', 'status', 'MB', 'file'],
          rows.map((r) => [r.name, r.contentHint || '(none)', r.status, (r.bytes / 1e6).toFixed(1), r.path]),
          [false, false, false, true, false],
        ) + '\n',
      );
    });
}
