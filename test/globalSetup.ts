// Before any test file: build dist/ (the tests run the CLI from it) unless it is newer than every
// source, and make sure the VMAF model files the libvmaf 1.x tests need are there, with one clear
// message when they are not.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NEEDED = [
  'vmaf_float_v0.6.1.pkl',
  'vmaf_float_v0.6.1.pkl.model',
  'vmaf_float_v0.6.1neg.pkl',
  'vmaf_float_v0.6.1neg.pkl.model',
];

/** Modification times (ms) of the files under `dir` whose names end with one of `exts`. */
function mtimes(dir: string, exts: readonly string[]): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => exts.some((e) => f.endsWith(e)))
    .map((f) => statSync(path.join(dir, f)).mtimeMs);
}

/**
 * dist/ needs no build when its oldest emitted file is newer than every input of the build (make's
 * rule): the sources, the three tsconfig files and package.json. tsc rewrites every output on each
 * build, so one stale or missing output makes it rebuild. In CI, npm ci's prepare has just built
 * it: the tiers no longer build it twice more (about 12 s each here).
 */
function distIsCurrent(): boolean {
  const outputs = mtimes(path.join(ROOT, 'dist'), ['.js']);
  if (!existsSync(path.join(ROOT, 'dist', 'cli.js')) || outputs.length === 0) return false;
  const configs = ['tsconfig.json', 'src/capture/page/tsconfig.json', 'src/report/page/tsconfig.json', 'package.json'];
  const inputs = [
    ...mtimes(path.join(ROOT, 'src'), ['.ts', '.json']),
    ...configs.map((f) => statSync(path.join(ROOT, f)).mtimeMs),
  ];
  return Math.min(...outputs) > Math.max(...inputs);
}

export default function setup(): void {
  if (distIsCurrent()) console.log('dist/ is newer than every source: not built again');
  else execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit', cwd: ROOT });
  const dir = process.env.SIMQ_VMAF_MODEL_DIR ?? path.resolve(ROOT, '..', 'shared', 'vmaf-models');
  const missing = NEEDED.filter((f) => !existsSync(path.join(dir, f)));
  if (missing.length) {
    throw new Error(
      `the tests need VMAF model files in ${dir} (missing: ${missing.join(', ')}). ` +
        'Set SIMQ_VMAF_MODEL_DIR to a folder holding them, e.g. fetched from ' +
        'https://raw.githubusercontent.com/Netflix/vmaf/v3.2.0/model/ (digests in src/measure/vmaf/pinnedModels.ts).',
    );
  }
}
