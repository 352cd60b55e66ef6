// The CI matrix example (deploy/ci/github-actions-study.yml): parsed as YAML and checked for what
// makes the shards add up to one study: matrix size = shard count, one artifact per shard run, the
// merge job after the shards, merging exactly what it downloaded. Not run here (no GitHub runner).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { flag, mergeJobProblems, shardJobProblems, simqCall } from './helpers/ciWorkflowCheck.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const FILE = path.join(ROOT, 'deploy', 'ci', 'github-actions-study.yml');
const workflow = parse(readFileSync(FILE, 'utf8'));
const copy = (edit: (w: any) => void) => {
  const w = structuredClone(workflow);
  edit(w);
  return w;
};

describe('deploy/ci/github-actions-study.yml', () => {
  it('starts only by hand (an example must not run on push)', () => {
    expect(Object.keys(workflow.on)).toEqual(['workflow_dispatch']);
  });

  it('the shard job: matrix 1..4 and --shard ${{ matrix.shard }}/4, one artifact per shard run', () => {
    expect(workflow.jobs.shard.strategy.matrix.shard).toEqual([1, 2, 3, 4]);
    expect(shardJobProblems(workflow.jobs.shard)).toEqual([]);
  });

  it('the merge job needs the shards, downloads their artifacts, merges them, then recommend and report', () => {
    expect(mergeJobProblems(workflow, 'shard', 'merge')).toEqual([]);
  });

  it("shards and merge run on the Dockerfile's base (Node 20, Debian bookworm)", () => {
    const base = /^FROM (\S+)/m.exec(readFileSync(path.join(ROOT, 'deploy', 'Dockerfile'), 'utf8'))![1];
    for (const id of ['shard', 'merge']) expect(base.startsWith(workflow.jobs[id].container)).toBe(true);
  });

  it('the study file exists and its clips are the samples the shard job generates', () => {
    const steps = workflow.jobs.shard.steps;
    const study = path.join(ROOT, flag(simqCall(steps, 'analyze')!.args, '--study')!);
    expect(existsSync(study)).toBe(true);
    const generated = flag(simqCall(steps, 'samples')!.args, '--only')!
      .split(',')
      .map((n) => path.join(ROOT, 'samples', `${n}.mp4`));
    const clips = JSON.parse(readFileSync(study, 'utf8')).clips.map((c: { path: string }) =>
      path.resolve(path.dirname(study), c.path),
    );
    expect(clips.sort()).toEqual(generated.sort());
  });

  it('rejects a matrix of 3 for a 4-shard command, a renamed artifact, a merge without needs, merge-multiple', () => {
    const broken = copy((w) => {
      w.jobs.shard.strategy.matrix.shard = [1, 2, 3];
      w.jobs.shard.steps.find((s: any) => s.uses?.startsWith('actions/upload-artifact@')).with.name =
        'shard-${{ matrix.shard }}';
      delete w.jobs.merge.needs;
      w.jobs.merge.steps.find((s: any) => s.uses?.startsWith('actions/download-artifact@')).with['merge-multiple'] =
        true;
    });
    expect(shardJobProblems(broken.jobs.shard)).toEqual([
      '--shard is "${{ matrix.shard }}/4", not "${{ matrix.shard }}/3" (the matrix has 3 entries)',
    ]);
    expect(mergeJobProblems(broken, 'shard', 'merge')).toEqual([
      'merge does not need shard: it could start before the shards finish',
      'downloads pattern "simq-shard-*", the shards upload "shard-${{ matrix.shard }}" (pattern shard-*)',
      'merge-multiple: true mixes the shard runs into one folder',
      'merges ["shards/simq-shard-*"], the artifacts land in shards/shard-*',
    ]);
  });

  it('rejects an upload of another folder and a report of another run', () => {
    const broken = copy((w) => {
      w.jobs.shard.steps.find((s: any) => s.uses?.startsWith('actions/upload-artifact@')).with.path = 'results';
      const report = w.jobs.merge.steps.find((s: any) => /simq report/.test(s.run ?? ''));
      report.run = 'npx simq report results/other';
    });
    expect(shardJobProblems(broken.jobs.shard)).toEqual([
      'uploads results, the shard writes results/study-shard-${{ matrix.shard }}',
    ]);
    expect(mergeJobProblems(broken, 'shard', 'merge')).toEqual([
      'report reads results/other, merge writes results/study',
    ]);
  });
});
