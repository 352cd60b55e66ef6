// simq on a busy machine: one core held by a busy loop for the whole capture and measure, on the
// conference sample (a shared screen, static but for a ticking box, a cursor and a small moving
// webcam inset). Under load Chromium's file camera delivers consecutive frames late, so timestamp
// gaps stop meaning skipped frames; every measured picture must still be paired with the source
// frame an independent full-size search finds (test/helpers/pairingCheck.ts), or its layer be named
// doubtful with exit code 4. The load also degrades the capture, which must be retried and recorded.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { checkPairing, type PairingCheck } from './helpers/pairingCheck.js';
import { FFMPEG, readJson, SESSION_DIR, simq, testEnv, type SimqResult } from './helpers/simq.js';

const OUT = path.join(SESSION_DIR, 'busy-test');

function busyLoop(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

async function conferenceSample(): Promise<string> {
  const dir = path.join(SESSION_DIR, 'samples-6s');
  const file = path.join(dir, 'conference.mp4');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const r = await simq(['samples', '--out', dir, '--only', 'conference', '--duration', '6', '--quiet']);
  if (r.code !== 0) throw new Error(`simq samples failed: ${r.stderr}`);
  return file;
}

describe('with one core busy', () => {
  let busy: ChildProcess | undefined;
  let capture: SimqResult;
  let measure: SimqResult;
  let run: RunRecord;
  let checks: PairingCheck[];

  beforeAll(async () => {
    const clip = await conferenceSample();
    busy = busyLoop();
    capture = await simq(
      [
        'capture',
        clip,
        '--duration',
        '6',
        '--warmup',
        '2',
        '--out',
        OUT,
        '--run-id',
        'busy',
        '--force',
        '--allow-degraded',
        '--quiet',
      ],
      { timeoutMs: 300_000 },
    );
    measure = await simq(
      ['measure', path.join(OUT, 'busy'), '--vmaf-backend', 'none', '--viewports', '320x180', '--quiet'],
      { timeoutMs: 300_000 },
    );
    busy.kill('SIGKILL');
    busy = undefined;
    run = readJson<RunRecord>(path.join(OUT, 'busy', 'run.json'));
    checks = await checkPairing(FFMPEG, path.join(OUT, 'busy'));
  }, 900_000);

  afterAll(() => busy?.kill('SIGKILL'));

  it('captures every layer; a capture still degraded at the end was retried first', () => {
    expect(capture.code, capture.stderr).toBe(0);
    const s = run.scenarios[0];
    expect(s.layers.filter((l) => l.bitstream).map((l) => l.rid)).toEqual(['q', 'h', 'f']);
    // One busy core slows Chromium's file camera (22-25 fps on some runs, not on others): a degraded
    // result is only ever the second attempt.
    if (s.problems.some((p) => p.kind === 'cpu-limited' || p.kind === 'low-framerate'))
      expect(s.retried).toMatch(/CPU-degraded|ramping|start value/);
  });

  it("pairs at least 99% of every layer's pictures with the source frame a full-size search (+-3 frames and the whole clip) finds, or names the layer with exit 4", () => {
    expect(checks.map((c) => c.rid).sort()).toEqual(['f', 'h', 'q']);
    const layers = run.measure!.layers;
    for (const c of checks) {
      // Even a camera slowed to 10 fps leaves dozens of pictures in the 4 s steady window.
      expect(c.pictures, c.rid).toBeGreaterThan(20);
      const share = c.right / c.pictures;
      const record = layers.find((l) => l.rid === c.rid)!;
      expect(record.pairing?.pictures, c.rid).toBe(c.pictures);
      if (share < 0.99) {
        expect(
          record.pairing?.doubtful,
          `${c.rid}: ${c.right}/${c.pictures} right, wrong: ${JSON.stringify(c.wrong.slice(0, 5))}`,
        ).toBe(true);
        expect(measure.code).toBe(4);
        expect(measure.stdout + measure.stderr).toContain(`${c.rid}: pairing doubtful`);
      }
    }
    const right = checks.reduce((n, c) => n + c.right, 0);
    const all = checks.reduce((n, c) => n + c.pictures, 0);
    expect(
      right / all,
      JSON.stringify(checks.map((c) => [c.rid, c.right, c.pictures, c.wrong.slice(0, 3)])),
    ).toBeGreaterThanOrEqual(0.99);
    if (!layers.some((l) => l.pairing?.doubtful)) expect(measure.code, measure.stderr).toBe(0);
  });
});

describe('a slow bandwidth ramp', () => {
  it('is captured again when the sender has not settled by the latest start, and the retry is recorded', async () => {
    const clip = await conferenceSample();
    // The premise is built, not hoped for: with no warm-up and no settle wait the latest start is
    // t = 0, but a steady window begins with an interval that has one before it
    // (src/capture/steadyStart.ts findSteadyStart), and the first stats interval ends no earlier than
    // 0.5 s (StatsTimeline MIN_INTERVAL_S; the page samples every 1 s). So no attempt can settle,
    // however fast the machine lets Chrome ramp from the 50 kbps start (a 1 s warm-up was ramped
    // through on a quiet machine and the test failed with `retried` undefined).
    const r = await simq(
      [
        'capture',
        clip,
        '--duration',
        '3',
        '--warmup',
        '0',
        '--out',
        OUT,
        '--run-id',
        'ramp',
        '--force',
        '--allow-degraded',
        '--quiet',
      ],
      {
        env: testEnv({ SIMQ_START_BITRATE_KBPS: '50', SIMQ_SETTLE_WAIT_S: '0' }),
        timeoutMs: 300_000,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const s = readJson<RunRecord>(path.join(OUT, 'ramp', 'run.json')).scenarios[0];
    // Either the targets were still moving at the latest start, or the estimate had not even left
    // its start (the stuck-estimate retry): both are a sender that was not steady yet.
    expect(s.retried).toMatch(/still ramping 0 s after the warm-up|bandwidth estimate stayed at its start value/);
    // The second attempt cannot settle either: recorded as such, and kept only by --allow-degraded.
    expect(s.steadyStart?.settled).toBe(false);
    expect(s.problems.some((p) => p.kind === 'unsettled')).toBe(true);
  }, 300_000);
});
