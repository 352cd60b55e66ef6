// The sender behind a moving uplink while it publishes to a real Janus 1.1.2 (issue 22 point 2, "the
// capture's sender uplink in every mode"): a three-layer VP8 publish (960x540 at 15 fps: q 240x135,
// h 480x270, f 960x540) behind the shipped step trace 3000 -> 800 -> 3000 kbps, with one unshaped
// viewer of h on the sender's page. What is checked comes from sources simq did not compute: the
// trace file read here, the test's own `tc -s` reads of the shaped class in simq's namespace (rate
// and bytes, its own clock), the layers' stats.csv rows (the browser's outbound-rtp), and the
// viewer's frames table; then nothing of simq's is left (namespace, veth, nft table, Janus).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../src/tools/process.js';
import { backloggedKbps, fOffAfterDropAndBack, watchQueue, type Poll } from './helpers/queueWatch.js';
import { cameraSample, readCsv, readJson, ROOT, simq, testEnv } from './helpers/simq.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'simq-janusuplink-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const CAMERA = await cameraSample(10);
/** The sender's namespace-side veth (src/link/NetSandbox.ts), whose egress is the shaped uplink in SFU mode. */
const NS_DEV = 'simq0';

interface LinkEntry {
  role: string;
  mode: string;
  applied: { t_ms: number; kbps: number }[];
  qdisc: { egress: { netns?: string; dev: string } };
  crossing: { ratio: number };
}
interface Scenario {
  id: string;
  measuredOverTime?: boolean;
  sfu?: { version: string };
  links?: LinkEntry[];
}

describe('a Janus publish behind a moving uplink', () => {
  let code: number | null;
  let stderr: string;
  let child = 0;
  let polls: Poll[];
  let dir: string;
  let entry: Scenario;

  beforeAll(async () => {
    const watch = watchQueue(() => child || undefined, NS_DEV);
    const r = await simq(
      [
        'capture',
        CAMERA,
        '--size',
        '960x540',
        '--fps',
        '15',
        '--codec',
        'vp8',
        '--sfu',
        'janus',
        '--viewers',
        '480x270:fixed:h',
        '--uplink',
        'step-3000-800-3000',
        '--duration',
        '32',
        '--out',
        out,
        '--run-id',
        'up',
        '--allow-degraded',
        '--quiet',
      ],
      {
        onStart: (pid) => (child = pid),
        timeoutMs: 300_000,
        // The sender's estimate starts at 2500 kbps, so f is on before the drop at 10 s: from Chrome's
        // 300 kbps start through Janus the ramp now and then took longer than that (f never on in one
        // run), and the test is of the link's steps, not of the start. The rise still ramps from 800.
        env: { ...testEnv(), SIMQ_START_BITRATE_KBPS: '2500' },
      },
    );
    await watch.stop();
    polls = watch.polls;
    code = r.code;
    stderr = r.stderr;
    dir = path.join(out, 'up');
    entry = readJson<{ scenarios: Scenario[] }>(path.join(dir, 'run.json')).scenarios[0]!;
  }, 400_000);

  it("runs through Janus with the shaped class on the sender's namespace veth, at the trace's steps", () => {
    expect(code, stderr).toBe(0);
    expect(entry.sfu?.version).toBeDefined();
    expect(entry.measuredOverTime).toBe(true);
    const link = entry.links![0]!;
    expect([link.role, link.mode, link.qdisc.egress.dev]).toEqual(['uplink', 'sfu-sender', NS_DEV]);
    const trace = JSON.parse(readFileSync(path.join(ROOT, 'data', 'traces', 'step-3000-800-3000.json'), 'utf8')) as {
      steps: { t_s: number; kbps: number }[];
    };
    expect(link.applied.map((a) => [a.t_ms, a.kbps])).toEqual(trace.steps.slice(1).map((s) => [s.t_s * 1000, s.kbps]));
    // The media to Janus crossed the shaped class: its bytes are the layers' payload plus headers.
    expect(link.crossing.ratio).toBeGreaterThan(1.0);
    expect(link.crossing.ratio).toBeLessThan(1.3);
  });

  it("the test's own reads: the class went 3000 -> 800 -> 3000, and let out 800 kbps (not above by 10%, not below by 20%) while the sender filled it", () => {
    expect(polls.length, "the test's watch read the shaped class this many times").toBeGreaterThan(20);
    const changes = polls.filter((p, i) => i > 0 && p.rateKbit !== polls[i - 1]!.rateKbit);
    expect(changes.map((p) => p.rateKbit)).toEqual([800, 3000]);
    expect(Math.abs(changes[1]!.t - changes[0]!.t - 10_000)).toBeLessThan(1500);
    const { reads, kbps } = backloggedKbps(polls, 800);
    console.log(`backlogged reads at 800 kbps: ${reads}, ${kbps.toFixed(0)} kbps let out`);
    expect(reads).toBeGreaterThan(0);
    // Never above the rate (the cap holds: 10% for the reads' own timing). Below it by at most 20%: a
    // read pair 0.5 s apart can both find packets queued while the queue ran empty in between, once
    // Chrome's estimate backs off after the drop, and such an interval under-counts (read: 808, 794,
    // 776 and, with only 4 qualifying intervals, 718 kbps; the rate itself is checked against simq's
    // uplink.csv in linkCapture).
    expect(kbps).toBeLessThan(800 * 1.1);
    expect(kbps).toBeGreaterThan(800 * 0.8);
  });

  it("f goes off after the drop and comes back after the rise (the browser's outbound-rtp)", () => {
    fOffAfterDropAndBack(path.join(dir, entry.id, 'stats.csv'));
  });

  it('the viewer of h received h through Janus in every step of the trace', () => {
    const frames = readCsv(path.join(dir, entry.id, 'viewers', 'v1-480x270-fixed-h.frames.csv')).map((r) => ({
      t: Number(r.arrival_ms),
      size: `${r.width}x${r.height}`,
    }));
    for (const [from, to] of [
      [3_000, 10_000],
      [12_000, 20_000],
      [22_000, 30_000],
    ] as const) {
      const inStep = frames.filter((x) => x.t >= from && x.t < to);
      // 15 fps: at least half the frames of the step, and h's size.
      expect(inStep.length, `${from}-${to} ms`).toBeGreaterThan(((to - from) / 1000) * 15 * 0.5);
      expect(inStep.filter((x) => x.size === '480x270').length).toBeGreaterThan(inStep.length * 0.9);
    }
  });

  it('leaves no namespace, veth, nft table or Janus behind', async () => {
    expect(child).toBeGreaterThan(0);
    expect((await runProcess('ip', ['netns', 'list'])).stdout.toString()).not.toContain(`simq-${child}-`);
    expect((await runProcess('ip', ['-j', 'link'])).stdout.toString()).not.toContain(`sq${child}-`);
    expect((await runProcess('nft', ['-j', 'list', 'tables'])).stdout.toString()).not.toContain(`simq_${child}_`);
    expect((await runProcess('pgrep', ['-f', `simq-${child}-`])).stdout.toString().trim()).toBe('');
  });
});
