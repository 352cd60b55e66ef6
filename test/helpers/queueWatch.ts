// The shaped queue, read by a test on its own: the class rate and the leaf's counters of a simq
// child's namespace every 0.5 s (`tc -s -j` on its own clock), so the rates a test checks do not come
// from simq's timeline.
import { expect } from 'vitest';
import { runProcess } from '../../src/tools/process.js';
import { readCsv } from './simq.js';

export interface Poll {
  t: number;
  rateKbit: number;
  bytes: number;
  backlog: number;
  drops: number;
}

/** Reads the shaped class's rate and its leaf's counters on `dev` in the child's namespace every 0.5 s until stopped. */
export function watchQueue(pid: () => number | undefined, dev: string) {
  const polls: Poll[] = [];
  let stop = false;
  const done = (async () => {
    let ns: string | undefined;
    while (!stop) {
      const p = pid();
      // Only the sandbox's namespace (src/link/NetSandbox.ts: simq-<pid>-<n>), looked up again when it is
      // gone: the netem probe's simq-<pid>-netem lives for a moment at start-up, and a watch that latched
      // onto it read nothing after (a CI run: no reads at all).
      const names = p
        ? (await runProcess('ip', ['netns', 'list'])).stdout
            .toString()
            .split('\n')
            .map((l) => l.split(' ')[0]!)
        : [];
      if (ns && !names.includes(ns)) ns = undefined;
      ns ??= names.find((n) => new RegExp(`^simq-${p}-\\d+$`).test(n));
      if (ns) {
        // iproute2 6.1 prints htb classes as text even with -j: "class htb 1:10 root ... rate 800Kbit ceil ...".
        const rateNow = async () => {
          const c = await runProcess('tc', ['-n', ns!, 'class', 'show', 'dev', dev]);
          const m = /class htb 1:10 .*?\brate (\d+(?:\.\d+)?)([KMG]?)bit/.exec(c.stdout.toString());
          const scale: Record<string, number> = { '': 0.001, K: 1, M: 1000, G: 1e6 };
          return m ? Math.round(Number(m[1]) * scale[m[2]!]!) : undefined;
        };
        const before = await rateNow();
        const t0 = Date.now();
        const q = await runProcess('tc', ['-n', ns, '-s', '-j', 'qdisc', 'show', 'dev', dev]);
        const t = (t0 + Date.now()) / 2;
        const after = await rateNow();
        const leaf =
          q.code === 0
            ? (
                JSON.parse(q.stdout.toString()) as { handle: string; bytes: number; backlog: number; drops: number }[]
              ).find((x) => x.handle === '10:')
            : undefined;
        // A read with a rate change around it belongs to neither rate: skipped.
        if (leaf && before !== undefined && before === after)
          polls.push({ t, rateKbit: before, bytes: leaf.bytes, backlog: leaf.backlog, drops: leaf.drops });
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return { polls, stop: async () => ((stop = true), await done) };
}

/** Reads (each ~0.5 s, rate unchanged across it) as intervals, with the rate each let out in kbit/s. */
export function pollIntervals(polls: readonly Poll[]) {
  return polls
    .slice(1)
    .map((p, i) => ({ p, prev: polls[i]!, kbps: ((p.bytes - polls[i]!.bytes) * 8) / (p.t - polls[i]!.t) }));
}

/** What the queue let out (kbit/s) over reads at `kbps` where it held packets at both ends: the link was the bottleneck. */
export function backloggedKbps(polls: readonly Poll[], kbps: number): { reads: number; kbps: number } {
  const busy = pollIntervals(polls).filter(
    ({ p, prev }) => p.rateKbit === kbps && prev.rateKbit === kbps && p.backlog > 0 && prev.backlog > 0,
  );
  const bytes = busy.reduce((s, { p, prev }) => s + p.bytes - prev.bytes, 0);
  const ms = busy.reduce((s, { p, prev }) => s + p.t - prev.t, 0);
  return { reads: busy.length, kbps: ms > 0 ? (bytes * 8) / ms : 0 };
}

function fSeconds(statsCsv: string) {
  return readCsv(statsCsv)
    .filter((s) => s.rid === 'f')
    .map((s) => ({
      t: Number(s.t_s),
      fps: Number(s.fps),
      link: Number(s.link_rate_kbps),
      estimate: Number(s.available_outgoing_kbps),
      limitation: s.quality_limitation_reason,
    }));
}

/**
 * The premise of a step 3000 -> 800 -> 3000 check: f sent (over 5 fps) in a second after the first 3
 * and before the drop, so that its going off can be the drop's doing. `evidence` lists each such second
 * of f (fps, the browser's estimate, its limitation) for a log line or a failure message.
 */
export function fOnBeforeDrop(statsCsv: string): { met: boolean; evidence: string } {
  const f = fSeconds(statsCsv);
  const dropAt = f.find((s) => s.link === 800)?.t ?? Infinity;
  const before = f.filter((s) => s.t > 3 && s.t < dropAt);
  return {
    met: before.some((s) => s.fps > 5),
    evidence: `f before the drop at ${dropAt} s (t fps estimate limitation): ${before
      .map((s) => `${s.t} ${s.fps} ${s.estimate} ${s.limitation}`)
      .join('; ')}`,
  };
}

/** A step 3000 -> 800 -> 3000 trace in stats.csv (the browser's outbound-rtp per second): f on before the drop, off after it, on again after the rise. */
export function fOffAfterDropAndBack(statsCsv: string): void {
  const f = fSeconds(statsCsv);
  const dropAt = f.find((s) => s.link === 800)!.t;
  const riseAt = f.find((s) => s.t > dropAt && s.link === 3000)!.t;
  const premise = fOnBeforeDrop(statsCsv);
  expect(premise.met, premise.evidence).toBe(true);
  const offAt = f.find((s) => s.t > dropAt && s.fps === 0)?.t;
  expect(offAt, 'f never went off after the drop').toBeDefined();
  expect(offAt!).toBeLessThan(riseAt);
  const backAt = f.find((s) => s.t > riseAt && s.fps > 5)?.t;
  expect(backAt, 'f never came back after the rise').toBeDefined();
  console.log(`link 800 at ${dropAt} s, f off at ${offAt} s; link 3000 at ${riseAt} s, f back at ${backAt} s`);
}
