// A real three-layer VP8 capture behind a shaped uplink (loopback mode), and loss on the loopback
// receiver's side. The test watches the shaped queue itself while simq runs (its own `tc -s -j`
// reads every 0.5 s in simq's namespace, its own clock), so the rates it checks do not come from
// simq's timeline; the trace's steps are read from data/traces/ directly.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../src/tools/process.js';
import {
  backloggedKbps,
  fOffAfterDropAndBack,
  fOnBeforeDrop,
  pollIntervals,
  watchQueue,
} from './helpers/queueWatch.js';
import { cameraSample, readCsv, readJson, ROOT, simq } from './helpers/simq.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'simq-linkcapture-'));
afterAll(() =>
  process.env.SIMQ_KEEP_TEST_DIR ? console.log(`kept ${out}`) : rmSync(out, { recursive: true, force: true }),
);
// The 10 s camera sample made for this test session (a fresh clone has no samples/).
const CAMERA = await cameraSample(10);

/** A VP8 capture of the camera sample behind `link` (capture --uplink). */
function captureArgs(link: string, durationS: number, runId: string): string[] {
  return [
    ...['capture', CAMERA, '--codec', 'vp8', '--uplink', link, '--duration', `${durationS}`],
    ...['--out', out, '--run-id', runId, '--allow-degraded', '--quiet'],
  ];
}

describe('capture behind a shaped uplink', () => {
  it('step 3000 -> 800 -> 3000 kbps: f goes off after the drop and on after the rise; the queue delivers each step', async () => {
    const trace = JSON.parse(readFileSync(path.join(ROOT, 'data', 'traces', 'step-3000-800-3000.json'), 'utf8')) as {
      steps: { t_s: number; kbps: number }[];
    };
    expect(trace.steps.map((s) => [s.t_s, s.kbps])).toEqual([
      [0, 3000],
      [10, 800],
      [20, 3000],
    ]);
    // The premise of the check below is that f was on before the drop: a CI run had f never over 5 fps
    // from 3 s to the drop at 10 s (its files were not kept). The sender's estimate decides it, not simq:
    // in a kept run here it started above the link (3492 kbps), filled the 100 ms queue and backed off to
    // 2443 kbps on the drops at 4 s, f's target with it. A capture that misses the premise is made once
    // more, saying why (f's seconds with the estimate); a second miss fails the check with them.
    let child: number | undefined;
    let watch: ReturnType<typeof watchQueue>;
    let dir: string;
    let run: {
      scenarios: {
        id: string;
        measuredOverTime?: boolean;
        retried?: string;
        links?: { applied: { t_ms: number; kbps: number }[]; crossing: { ratio: number; qdiscBytes: number } }[];
      }[];
    };
    for (let attempt = 1; ; attempt++) {
      const runId = attempt === 1 ? 'step' : `step-${attempt}`;
      watch = watchQueue(() => child, 'lo');
      const r = await simq(captureArgs('step-3000-800-3000', 40, runId), {
        onStart: (pid) => (child = pid),
        timeoutMs: 240_000,
      });
      await watch.stop();
      expect(r.code, r.stderr).toBe(0);
      dir = path.join(out, runId);
      run = readJson<typeof run>(path.join(dir, 'run.json'));
      const premise = fOnBeforeDrop(path.join(dir, run.scenarios[0]!.id, 'stats.csv'));
      if (premise.met || attempt === 2) break;
      console.log(`premise not met, capturing again: ${premise.evidence}`);
    }
    const entry = run.scenarios[0]!;
    expect(entry.measuredOverTime).toBe(true);
    expect(entry.retried).toBeUndefined();
    const link = entry.links![0]!;
    expect(link.applied.map((a) => [a.t_ms, a.kbps])).toEqual([
      [10_000, 800],
      [20_000, 3000],
    ]);
    // Media crossed the shaped class: its bytes are the layers' RTP payload plus headers (SRTP, UDP, IP, lo's Ethernet).
    expect(link.crossing.ratio).toBeGreaterThan(1.0);
    expect(link.crossing.ratio).toBeLessThan(1.3);

    // f in stats.csv, on the link timeline's axis: on before the drop, off after it, on again after the rise.
    fOffAfterDropAndBack(path.join(dir, entry.id, 'stats.csv'));

    const uplink = readCsv(path.join(dir, entry.id, 'uplink.csv')).map((u) => ({
      t: Number(u.t_s),
      rate: Number(u.rate_kbps),
      kbps: Number(u.delivered_kbps),
    }));
    // The test's own reads: the class rate went 3000 -> 800 -> 3000 about 10 s apart (its clock).
    const polls = watch.polls;
    expect(polls.length, "the test's watch read the shaped class this many times").toBeGreaterThan(20);
    const changes = polls.filter((p, i) => i > 0 && p.rateKbit !== polls[i - 1]!.rateKbit);
    expect(changes.map((p) => p.rateKbit)).toEqual([800, 3000]);
    expect(Math.abs(changes[1]!.t - changes[0]!.t - 10_000)).toBeLessThan(1500);
    // Never more than the rate over each step (its first second left out: bytes read around the change).
    const sameRate = pollIntervals(polls).filter(({ p, prev }) => p.rateKbit === prev.rateKbit);
    const starts = [polls[0]!.t, ...changes.map((c) => c.t)];
    for (const [k, from] of starts.entries()) {
      const to = starts[k + 1] ?? Infinity;
      const inStep = sameRate.filter(({ prev, p }) => prev.t >= from + 1000 && p.t <= to);
      const kbps =
        (inStep.reduce((s, { p, prev }) => s + p.bytes - prev.bytes, 0) * 8) /
        inStep.reduce((s, { p, prev }) => s + p.t - prev.t, 0);
      const rate = inStep[0]!.p.rateKbit;
      console.log(`step ${k}: ${rate} kbps set, ${kbps.toFixed(0)} kbps let out over ${inStep.length} reads`);
      expect(kbps, `${kbps.toFixed(0)} kbps over the ${rate} kbps step`).toBeLessThan(rate * 1.1);
      // simq's own delivered rate (uplink.csv, its reads of the same class on the scenario's clock)
      // against the test's reads over the same part of the step on each clock: the 7.5 s before the
      // drop for the first step (the test's reads start before the sender is attached), the 1.5 s
      // to 8 s after the change for the others (the test's go on after the capture ends).
      const simqStart = link.applied.map((a) => a.t_ms);
      const [ws, we] = k === 0 ? [-8000, -500] : [1500, 8000];
      const anchorTest = k === 0 ? changes[0]!.t : changes[k - 1]!.t;
      const anchorSimq = k === 0 ? simqStart[0]! : simqStart[k - 1]!;
      const testPart = sameRate.filter(({ prev, p }) => prev.t >= anchorTest + ws && p.t <= anchorTest + we);
      const testKbps =
        (testPart.reduce((a, { p, prev }) => a + p.bytes - prev.bytes, 0) * 8) /
        testPart.reduce((a, { p, prev }) => a + p.t - prev.t, 0);
      const simqPart = uplink.filter((u) => u.t * 1000 >= anchorSimq + ws + 1000 && u.t * 1000 <= anchorSimq + we);
      const simqKbps = simqPart.reduce((a, u) => a + u.kbps, 0) / simqPart.length;
      console.log(
        `step ${k}: over the same part, the test's reads ${testKbps.toFixed(0)} kbps, simq's uplink.csv ${simqKbps.toFixed(0)} kbps (${testPart.length} reads, ${simqPart.length} rows)`,
      );
      expect(testPart.length).toBeGreaterThan(8);
      expect(
        Math.abs(simqKbps - testKbps) / testKbps,
        `uplink.csv ${simqKbps.toFixed(0)} against the test's ${testKbps.toFixed(0)} kbps`,
      ).toBeLessThan(0.1);
    }
    // At 800 kbps the sender (still asking for about 3 Mbps when the step comes) keeps the queue
    // full: where it held packets at both ends of a read interval the link was the bottleneck and
    // let out its rate. At 3000 kbps the layers' own targets (about 3150 kbps with f, less while the
    // estimate ramps) keep the queue mostly empty: a backlog there is a keyframe passing, not a
    // saturated link (first run: 2373 kbps over 9 such reads), so only the upper bound above holds.
    const { reads, kbps: busyKbps } = backloggedKbps(polls, 800);
    expect(reads, 'backlogged reads at 800 kbps').toBeGreaterThan(0);
    console.log(`backlogged reads at 800 kbps: ${reads}, ${busyKbps.toFixed(0)} kbps let out`);
    // Not above the rate by 10%, not below by 20%: intervals backlogged at both reads can hold a moment of
    // empty queue, which under-counts (janusUplink.browser.test.ts says more); uplink.csv is checked above.
    expect(busyKbps, `${busyKbps.toFixed(0)} kbps delivered at 800`).toBeLessThan(800 * 1.1);
    expect(busyKbps, `${busyKbps.toFixed(0)} kbps delivered at 800`).toBeGreaterThan(800 * 0.8);
  }, 300_000);

  it("2% loss on the loopback receiver's side raises outbound-rtp nackCount over the same link without loss", async () => {
    const nacks = async (link: string, runId: string) => {
      const r = await simq(captureArgs(link, 12, runId), { timeoutMs: 180_000 });
      expect(r.code, r.stderr).toBe(0);
      const run = readJson<{ scenarios: { id: string }[] }>(path.join(out, runId, 'run.json'));
      const dir = path.join(out, runId, run.scenarios[0]!.id);
      const stats = readCsv(path.join(dir, 'stats.csv'));
      const last = new Map(stats.map((s) => [s.rid, Number(s.nack_count || 0)]));
      const uplink = readCsv(path.join(dir, 'uplink.csv'));
      const lossDrops = uplink.reduce((sum, u) => sum + Number(u.loss_drops), 0);
      const packets = Number(uplink.at(-1)!.sent_packets);
      return { nacks: [...last.values()].reduce((a, b) => a + b, 0), lossDrops, packets };
    };
    const clean = await nacks('5M', 'noloss');
    const lossy = await nacks('5M,loss=2%', 'loss2');
    console.log(
      `NACKs without loss ${clean.nacks}, with 2% loss ${lossy.nacks} (${lossy.lossDrops} of ${lossy.packets} packets dropped)`,
    );
    expect(clean.lossDrops).toBe(0);
    // The nft rule drops after the queue: about 2% of what the class let out (binomial, 4 sd).
    const sd = Math.sqrt(lossy.packets * 0.02 * 0.98);
    expect(Math.abs(lossy.lossDrops - lossy.packets * 0.02)).toBeLessThan(4 * sd + 5);
    expect(lossy.nacks).toBeGreaterThan(clean.nacks + 10);
  }, 400_000);

  it('SIGINT during a shaped capture: exit 130, and no namespace, veth or nft table of it is left', async () => {
    let child: number | undefined;
    let ns: string | undefined;
    let poll: NodeJS.Timeout | undefined;
    const r = await simq(
      [
        'capture',
        CAMERA,
        '--codec',
        'vp8',
        '--uplink',
        '2M,loss=1%',
        '--duration',
        '20',
        '--out',
        out,
        '--run-id',
        'sigint',
        '--quiet',
      ],
      {
        timeoutMs: 180_000,
        onStart: (pid) => {
          child = pid;
          poll = setInterval(async () => {
            ns ??= (await runProcess('ip', ['netns', 'list'])).stdout
              .toString()
              .split('\n')
              .map((l) => l.split(' ')[0]!)
              .find((n) => n.startsWith(`simq-${pid}-`));
            // Interrupt once the browser is sending through the queue.
            if (
              ns &&
              (await runProcess('tc', ['-n', ns, '-s', '-j', 'qdisc', 'show', 'dev', 'lo'])).stdout
                .toString()
                .match(/"handle":"10:".*?"packets":(\d+)/)?.[1] !== '0'
            ) {
              clearInterval(poll);
              setTimeout(() => process.kill(pid, 'SIGINT'), 2000);
            }
          }, 300);
        },
      },
    );
    clearInterval(poll);
    expect(r.code, r.stderr).toBe(130);
    expect(ns).toBeDefined();
    const netns = (await runProcess('ip', ['netns', 'list'])).stdout.toString();
    const links = (await runProcess('ip', ['-j', 'link'])).stdout.toString();
    const tables = (await runProcess('nft', ['-j', 'list', 'tables'])).stdout.toString();
    expect(netns).not.toContain(`simq-${child}-`);
    expect(links).not.toContain(`sq${child}-`);
    expect(tables).not.toContain(`simq_${child}_`);
  }, 200_000);
});
