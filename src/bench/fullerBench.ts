// `npm run bench:fuller`: the README's fuller command (all-layers, top-off, boost-mid and the 5-point
// h sweep on the camera sample), run as a user runs it, once in quick mode (--vmaf-subsample 3) and
// once measuring every picture. Prints each run's wall time, its capture and measure seconds from
// run.json, the exit code, retried and degraded scenarios, and the quick / full ratio. Not a test:
// it takes about 20 minutes on 2 cores, and shared machines are noisy.
//
// It starts a browser: on a shared machine run it under the browser lock, e.g.
//   SIMQ_BROWSER_LOCK=/tmp/simq-browser.lock npm run bench:fuller
// (held for each whole command, measuring included). BENCH_FULLER=quick or full runs one of the two;
// BENCH_OUT=DIR keeps the runs there (default: a temporary folder, removed afterwards).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunRecord } from '../rundir/RunTypes.js';
import { readRunRecord } from '../rundir/RunDirectory.js';

/** The README's fuller command, after `npx simq` (test/fullerBench.unit.test.ts keeps the two equal). */
export const FULLER_ARGS = [
  'analyze',
  '--scenario',
  'all-layers,top-off,boost-mid',
  '--sweep',
  'all-layers:h.maxBitrate=300k:1500k:5',
  '--yes',
] as const;

export interface FullerVariant {
  name: 'quick' | 'full';
  extra: string[];
}

export const FULLER_VARIANTS: FullerVariant[] = [
  { name: 'quick', extra: ['--vmaf-subsample', '3'] },
  { name: 'full', extra: [] },
];

export interface FullerResult {
  variant: FullerVariant;
  exitCode: number | null;
  wallS: number;
  captureS?: number;
  measureS?: number;
  scenarios: number;
  retried: string[];
  degraded: string[];
}

/** One line per run, e.g. `quick: 412.3 s wall (capture 116.5 s, measure 290.1 s), exit 0, 8 scenarios, none retried`. */
export function resultLine(r: FullerResult): string {
  const split =
    r.captureS !== undefined ? ` (capture ${r.captureS.toFixed(1)} s, measure ${r.measureS?.toFixed(1) ?? '-'} s)` : '';
  const list = (label: string, ids: string[]) =>
    ids.length ? `${label} ${ids.length}: ${ids.join(', ')}` : `none ${label}`;
  return `${r.variant.name.padEnd(5)}: ${r.wallS.toFixed(1)} s wall${split}, exit ${r.exitCode}, ${r.scenarios} scenarios, ${list('retried', r.retried)}, ${list('degraded', r.degraded)}`;
}

function runVariant(variant: FullerVariant, out: string): FullerResult {
  const bin = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'bin', 'simq');
  const runId = `fuller-${variant.name}`;
  const command = [process.execPath, bin, ...FULLER_ARGS, ...variant.extra, '--out', out, '--run-id', runId];
  const lock = process.env.SIMQ_BROWSER_LOCK;
  const argv = lock ? ['flock', lock, ...command] : command;
  console.log(
    `${variant.name}: simq ${[...FULLER_ARGS, ...variant.extra].join(' ')}${lock ? ` (under ${lock})` : ''} ...`,
  );
  const started = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  let record: RunRecord | undefined;
  try {
    record = readRunRecord(path.join(out, runId));
  } catch {
    // No run directory (the command failed before writing one): the exit code says why.
    record = undefined;
  }
  const scenarios = record?.scenarios ?? [];
  return {
    variant,
    exitCode: r.status,
    wallS,
    captureS: record?.timings.captureS,
    measureS: record?.timings.measureS,
    scenarios: scenarios.length,
    retried: scenarios.filter((s) => s.retried).map((s) => s.id),
    degraded: scenarios.filter((s) => s.status === 'degraded').map((s) => s.id),
  };
}

function main(): void {
  const only = process.env.BENCH_FULLER;
  const variants = FULLER_VARIANTS.filter((v) => !only || v.name === only);
  if (variants.length === 0) throw new Error(`BENCH_FULLER=${only}: expected quick or full`);
  const keep = process.env.BENCH_OUT;
  const out = keep ? path.resolve(keep) : mkdtempSync(path.join(os.tmpdir(), 'simq-fuller-'));
  try {
    const results = variants.map((v) => runVariant(v, out));
    console.log(`\nthe README's fuller command on ${os.cpus().length} CPUs:`);
    for (const r of results) console.log(resultLine(r));
    const [quick, full] = [
      results.find((r) => r.variant.name === 'quick'),
      results.find((r) => r.variant.name === 'full'),
    ];
    if (quick && full) console.log(`quick / full wall: ${(quick.wallS / full.wallS).toFixed(2)}`);
  } finally {
    if (!keep) rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();
