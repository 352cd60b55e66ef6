// Studies end to end on the real Chromium, ffmpeg and libvmaf, kept short (3 s captures at 640x360,
// quick mode, one viewport): two shard processes of a 2-clip x 2-scenario study merged into one run;
// shards that do not belong together refused; a run killed while scenario 2 captures, then resumed.
// The expected scenario sets are written out here from the plan (clips x scenario names), and clip
// ids from the clip files' own sha256, not read back from simq.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Recommendation } from '../src/recommend/RecommendationTypes.js';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { readCsv, readJson, SESSION_DIR, simq } from './helpers/simq.js';

const OUT = path.join(SESSION_DIR, 'study-test');
const SAMPLES = path.join(SESSION_DIR, 'samples-study-3s');
const SCENARIOS = ['all-layers.vp8', 'top-off.vp8'];
const SHORT = [
  '--scenario',
  'all-layers,top-off',
  '--duration',
  '3',
  '--warmup',
  '1',
  '--size',
  '640x360',
  '--vmaf-subsample',
  '3',
  '--viewports',
  '640x360',
  '--yes',
  '--allow-degraded',
  '--out',
  OUT,
];
const MIN = 60_000;

let camera: string;
let screen: string;

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The id a clip's scenarios carry: file name + first 8 hex digits of its sha256. */
function clipId(file: string): string {
  return `${path.parse(file).name}-${sha256(file).slice(0, 8)}`;
}

const run = (id: string) => readJson<RunRecord>(path.join(OUT, id, 'run.json'));

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  camera = path.join(SAMPLES, 'camera.mp4');
  screen = path.join(SAMPLES, 'screen.mp4');
  if (!existsSync(camera) || !existsSync(screen)) {
    const r = await simq(['samples', '--out', SAMPLES, '--only', 'camera,screen', '--duration', '3', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
  }
}, 2 * MIN);

describe('a study in two shards, merged', () => {
  let planned: string[];
  let shardJson: string[];

  beforeAll(async () => {
    planned = [camera, screen].flatMap((c) => SCENARIOS.map((s) => `${clipId(c)}.${s}`));
    const one = await simq(['analyze', camera, screen, ...SHORT, '--shard', '1/2', '--run-id', 'shard-1'], {
      timeoutMs: 6 * MIN,
    });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toMatch(/study: \d\/2 scenarios captured of shard 1\/2 \(plan: 4\), \d left, about/);
    // The second machine passes a 0-based index, as a Kubernetes Indexed Job would.
    const two = await simq(
      ['analyze', camera, screen, ...SHORT, '--shard', '1/2', '--shard-base', '0', '--run-id', 'shard-2'],
      { timeoutMs: 6 * MIN },
    );
    expect(two.code, two.stderr).toBe(0);
    shardJson = ['shard-1', 'shard-2'].map((id) => readFileSync(path.join(OUT, id, 'run.json'), 'utf8'));
    const merged = await simq([
      'merge',
      path.join(OUT, 'shard-1'),
      path.join(OUT, 'shard-2'),
      '--out',
      path.join(OUT, 'merged'),
    ]);
    expect(merged.code, merged.stderr).toBe(0);
  }, 14 * MIN);

  it('each shard ran a disjoint part of the plan; together exactly the plan', () => {
    const a = run('shard-1').scenarios.map((s) => s.id);
    const b = run('shard-2').scenarios.map((s) => s.id);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    expect([...a, ...b].sort()).toEqual([...planned].sort());
    expect(run('shard-1').plan?.shard).toEqual({ index: 1, count: 2 });
    expect(run('shard-2').plan?.shard).toEqual({ index: 2, count: 2 });
  });

  it('the merged run holds exactly the scenarios of the unsharded plan, measured, with their folders', () => {
    const m = run('merged');
    expect(m.scenarios.map((s) => s.id).sort()).toEqual([...planned].sort());
    expect(m.plan?.shard).toBeUndefined();
    expect(m.clips?.map((c) => c.sourceSha256)).toEqual([sha256(camera), sha256(screen)]);
    for (const s of m.scenarios) {
      expect(['complete', 'degraded']).toContain(s.status);
      expect(s.clipId).toBe(s.id.startsWith(clipId(camera)) ? clipId(camera) : clipId(screen));
      expect(existsSync(path.join(OUT, 'merged', s.id, 'stats.csv'))).toBe(true);
    }
    const quality = readCsv(path.join(OUT, 'merged', 'quality.csv'));
    expect([...new Set(quality.map((r) => r.scenario_id))].sort()).toEqual([...planned].sort());
    expect(m.merge?.from.map((f) => f.runId)).toEqual(['shard-1', 'shard-2']);
  });

  it('the shard runs were not modified by the merge', () => {
    expect(['shard-1', 'shard-2'].map((id) => readFileSync(path.join(OUT, id, 'run.json'), 'utf8'))).toEqual(shardJson);
  });

  it(
    'recommend and report work on the merged run, per clip and across clips',
    async () => {
      const dir = path.join(OUT, 'merged');
      const rec = await simq(['recommend', dir, '--clip-share', '0.5']);
      expect(rec.code, rec.stderr).toBe(0);
      expect(rec.stdout).toMatch(/Across 2 clips/);
      const doc = readJson<Recommendation>(path.join(dir, 'recommendation.json'));
      expect(doc.study?.clips.map((c) => c.id)).toEqual([clipId(camera), clipId(screen)]);
      expect(doc.study?.perClip.map((p) => p.recommendation.provenance.clip.sha256)).toEqual([
        sha256(camera),
        sha256(screen),
      ]);
      const report = await simq(['report', dir]);
      expect(report.code, report.stderr).toBe(0);
      expect(statSync(path.join(dir, 'report.html')).size).toBeGreaterThan(1000);
    },
    2 * MIN,
  );

  it('shards of another browser version are refused, naming the field; --allow-mixed records it', async () => {
    const copy = path.join(OUT, 'shard-2-other-browser');
    cpSync(path.join(OUT, 'shard-2'), copy, { recursive: true });
    const r = readJson<RunRecord>(path.join(copy, 'run.json'));
    r.environment.browser.version = '1.2.3.4';
    writeFileSync(path.join(copy, 'run.json'), JSON.stringify(r));
    const refused = await simq(['merge', path.join(OUT, 'shard-1'), copy, '--out', path.join(OUT, 'mixed')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/environment\.browser\.version differs \(.*"1\.2\.3\.4"/);
    expect(existsSync(path.join(OUT, 'mixed'))).toBe(false);
    const allowed = await simq([
      'merge',
      path.join(OUT, 'shard-1'),
      copy,
      '--out',
      path.join(OUT, 'mixed'),
      '--allow-mixed',
    ]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(run('mixed').merge?.mixed?.map((d) => d.field)).toEqual(['environment.browser.version']);
  });

  it('shards of another clip content are refused, naming the clips', async () => {
    const copy = path.join(OUT, 'shard-2-other-clip');
    cpSync(path.join(OUT, 'shard-2'), copy, { recursive: true });
    const r = readJson<RunRecord>(path.join(copy, 'run.json'));
    r.clips![1].sourceSha256 = '0'.repeat(64);
    writeFileSync(path.join(copy, 'run.json'), JSON.stringify(r));
    const refused = await simq(['merge', path.join(OUT, 'shard-1'), copy, '--out', path.join(OUT, 'mixed-clip')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('clips (sha256) differs');
    expect(refused.stderr).toContain('0'.repeat(64));
  });
});

describe('a run killed while scenario 2 captures, resumed', () => {
  const RUN = path.join(OUT, 'killed');
  let first: RunRecord['scenarios'][number];
  let firstFiles: Map<string, { mtimeMs: number; sha: string }>;
  let resumed: Awaited<ReturnType<typeof simq>>;

  const filesOf = (dir: string) =>
    new Map(
      ['stats.csv', 'q.ivf', 'h.ivf', 'f.ivf', 'q.frames.csv', 'h.frames.csv', 'f.frames.csv']
        .filter((f) => existsSync(path.join(dir, f)))
        .map((f) => [f, { mtimeMs: statSync(path.join(dir, f)).mtimeMs, sha: sha256(path.join(dir, f)) }]),
    );

  beforeAll(async () => {
    let timer: NodeJS.Timeout | undefined;
    const killed = await simq(['analyze', camera, ...SHORT, '--run-id', 'killed'], {
      timeoutMs: 4 * MIN,
      onStart: (pid) => {
        timer = setInterval(() => {
          try {
            const r = readJson<RunRecord>(path.join(RUN, 'run.json'));
            if (r.scenarios[1]?.status === 'running') {
              clearInterval(timer);
              // A second into scenario 2's capture: the browser is up and files are being written.
              setTimeout(() => process.kill(pid, 'SIGKILL'), 1000);
            }
          } catch {
            // run.json not written yet
          }
        }, 100);
      },
    });
    clearInterval(timer);
    expect(killed.signal).toBe('SIGKILL');
    const r = run('killed');
    expect(r.status).toBe('running');
    expect(r.scenarios.map((s) => s.status)).toEqual(
      ['complete', 'running'].map((s, i) => (i === 0 && r.scenarios[0].status === 'degraded' ? 'degraded' : s)),
    );
    first = r.scenarios[0];
    firstFiles = filesOf(path.join(RUN, first.id));
    expect(firstFiles.size).toBeGreaterThan(3);
    resumed = await simq(['analyze', '--resume', RUN, '--allow-degraded', '--yes'], { timeoutMs: 4 * MIN });
  }, 10 * MIN);

  it('resumes: the scenario set of a run never interrupted, every scenario captured and measured', () => {
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/1 of 2 scenarios kept, 1 to capture/);
    const r = run('killed');
    expect(r.scenarios.map((s) => s.id)).toEqual(SCENARIOS);
    expect(r.scenarios.every((s) => s.status === 'complete' || s.status === 'degraded')).toBe(true);
    expect(r.resumedAt).toHaveLength(1);
    const quality = readCsv(path.join(RUN, 'quality.csv'));
    expect([...new Set(quality.map((q) => q.scenario_id))].sort()).toEqual([...SCENARIOS].sort());
    expect(existsSync(path.join(RUN, 'report.html'))).toBe(true);
  });

  it('captured nothing twice: scenario 1 keeps its record and its files untouched', () => {
    const r = run('killed');
    expect(r.scenarios[0].startedAt).toBe(first.startedAt);
    expect(r.scenarios[0].finishedAt).toBe(first.finishedAt);
    expect(filesOf(path.join(RUN, first.id))).toEqual(firstFiles);
    expect(r.scenarios[1].startedAt! > r.resumedAt![0]).toBe(true);
  });

  it(
    'a resume with another clip, or another ffmpeg or (with capture left) browser version on record, is refused naming the difference',
    async () => {
      // --size and --warmup come from the run on resume (giving them is refused on its own: optionLimits.cli.test.ts).
      const other = await simq([
        'analyze',
        '--resume',
        RUN,
        screen,
        '--scenario',
        'all-layers,top-off',
        '--duration',
        '3',
      ]);
      expect(other.code).toBe(2);
      expect(other.stderr).toMatch(/plan differs.*clips \(sha256\) differs/);
      // A copy of the run with its second scenario left to capture and one tool's version changed on record.
      const resumeEdited = async (name: string, edit: (r: RunRecord) => void) => {
        const copy = path.join(OUT, name);
        cpSync(RUN, copy, { recursive: true });
        const r = readJson<RunRecord>(path.join(copy, 'run.json'));
        edit(r);
        r.scenarios[1].status = 'incomplete';
        writeFileSync(path.join(copy, 'run.json'), JSON.stringify(r));
        return simq(['analyze', '--resume', copy]);
      };
      const tools = await resumeEdited('killed-copy', (r) => (r.environment.ffmpeg.version = '0.0-other'));
      expect(tools.code).toBe(2);
      expect(tools.stderr).toMatch(/environment\.ffmpeg\.version differs \("0\.0-other" vs/);
      // With a scenario left to capture, the browser matters too (a finished capture resumes with any:
      // measureResume.cli.test.ts).
      const browserDiff = await resumeEdited('killed-browser', (r) => (r.environment.browser.version = '1.2.3.4'));
      expect(browserDiff.code).toBe(2);
      expect(browserDiff.stderr).toMatch(/environment\.browser\.version differs \("1\.2\.3\.4" vs/);
    },
    2 * MIN,
  );
});
