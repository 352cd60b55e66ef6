// `simq merge` on what goes wrong: SIGINT/SIGTERM mid-copy, an --out under a file, two merges to
// one --out, a malformed shard quality.csv. The built CLI on hand-made shard runs (no browser).
// Expected by construction: the exit codes the README gives (130/143 for a signal, 6 for output,
// 2 for input), no stack trace, and no hidden `.<out>.simq-merge-<pid>` folder left.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
  existsSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import { toCsv } from '../src/io/csv.js';
import { QUALITY_COLUMNS } from '../src/rundir/CsvTypes.js';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { handmadeQualityRows, handmadeRun } from './fixtures/recommend/handmade.js';
import { simq } from './helpers/simq.js';

let tmp: string;
let a: string;
let b: string;

/** Shard k of 2 of the hand-made run; `bigMiB` of bytes in each scenario folder makes the copy last. */
function writeShard(name: string, index: number, bigMiB = 0): string {
  const dir = path.join(tmp, name);
  const full = handmadeRun();
  const run: RunRecord = {
    ...full,
    runId: name,
    plan: { hash: 'plan-hash', scenarioIds: full.scenarios.map((s) => s.id), shard: { index, count: 2 } },
  };
  run.scenarios = full.scenarios.filter((_, i) => i % 2 === index - 1);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'run.json'), JSON.stringify(run, null, 2));
  const keep = new Set(run.scenarios.map((s) => s.id));
  writeFileSync(
    path.join(dir, 'quality.csv'),
    toCsv(
      QUALITY_COLUMNS,
      handmadeQualityRows().filter((r) => keep.has(r.scenario_id)),
    ),
  );
  const chunk = Buffer.alloc(1024 * 1024, 7);
  for (const s of run.scenarios) {
    mkdirSync(path.join(dir, s.id));
    writeFileSync(path.join(dir, s.id, 'stats.csv'), `second\n${s.id}\n`);
    if (bigMiB) {
      const fd = openSync(path.join(dir, s.id, 'f.ivf'), 'w');
      for (let i = 0; i < bigMiB; i++) writeSync(fd, chunk);
      closeSync(fd);
    }
  }
  return dir;
}

const hidden = (dir: string) => readdirSync(dir).filter((f) => f.includes('.simq-merge-'));
const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-merge-safety-'));
  a = writeShard('a', 1, 150);
  b = writeShard('b', 2, 150);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('simq merge', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} during the copy: exit ${code}, no hidden folder, no merged run`, async () => {
      const outDir = path.join(tmp, `out-${signal}`);
      mkdirSync(outDir);
      let sent = false;
      const r = await simq(['merge', a, b, '--out', path.join(outDir, 'merged')], {
        onStart: (pid) => {
          const poll = setInterval(() => {
            if (hidden(outDir).length) {
              clearInterval(poll);
              sent = true;
              process.kill(pid, signal);
            }
          }, 5);
          setTimeout(() => clearInterval(poll), 60_000);
        },
      });
      expect(sent, 'the merge finished before the signal could be sent').toBe(true);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(new RegExp(`stopped by ${signal}`));
      noStack(r.stderr);
      expect(hidden(outDir)).toEqual([]);
      expect(existsSync(path.join(outDir, 'merged'))).toBe(false);
    }, 120_000);
  }

  it('--out under a file: exit 6 naming it, no stack trace', async () => {
    const file = path.join(tmp, 'a-file');
    writeFileSync(file, '');
    const r = await simq(['merge', a, b, '--out', path.join(file, 'merged')]);
    expect(r.code).toBe(ExitCode.output);
    expect(r.stderr).toMatch(/a part of the path is a file/);
    noStack(r.stderr);
  });

  it('two merges to one --out: one run, the other refused, no hidden folder', async () => {
    const outDir = path.join(tmp, 'race');
    mkdirSync(outDir);
    const out = path.join(outDir, 'merged');
    const [x, y] = await Promise.all([simq(['merge', a, b, '--out', out]), simq(['merge', a, b, '--out', out])]);
    expect([x.code, y.code].sort()).toEqual([ExitCode.ok, ExitCode.output]);
    const loser = x.code === 0 ? y : x;
    expect(loser.stderr).toMatch(/already exists|created by something else while this merge ran/);
    noStack(loser.stderr);
    expect(hidden(outDir)).toEqual([]);
  }, 120_000);

  it('a malformed shard quality.csv: exit 2 naming the file, no stack trace', async () => {
    const bad = writeShard('bad', 2);
    writeFileSync(path.join(bad, 'quality.csv'), 'scenario_id,rid\n"unclosed,q\n');
    const r = await simq(['merge', a, bad, '--out', path.join(tmp, 'from-bad')]);
    expect(r.code).toBe(ExitCode.badInput);
    expect(r.stderr).toContain(path.join(bad, 'quality.csv'));
    noStack(r.stderr);
    expect(hidden(tmp)).toEqual([]);
  });
});
