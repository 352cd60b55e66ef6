// Viewers behind shaped links (issue 22 point 2, issue 21's table policy fed with the link's rate),
// with a real Janus 1.1.2, real Chromium (one browser per shaped viewer, in its own namespace), tc and
// nft. One capture of a three-layer VP8 publish (960x540 at 15 fps: the smallest input libwebrtc
// sends three VP8 layers for, at scaleResolutionDownBy 4 / 2 / 1) with three shaped viewers:
//   v1 480x270:fixed:h@5M            h without loss
//   v2 480x270:fixed:h@5M,loss=2%    h with 2% random loss on its link
//   v3 640x360:table@<steps file>    the export's table, behind 3000 -> 500 -> 3000 kbps, a 400 ms queue
// What is checked comes from sources simq did not compute: the viewers' own inbound-rtp counters
// (nackCount, freezeCount, totalFreezesDuration, as the browser reported them), the test's own reads
// of the nft loss counters and of the htb class rate in the running namespaces, the trace the test
// wrote, and the layer sizes libwebrtc gives a 960x540 input. Then: after the run and after SIGINT,
// nothing of simq's is left in `ip netns list`, `ip link`, `nft list tables`, `tc qdisc`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import { renderExport } from '../src/recommend/exports/formats.js';
import { buildQualityTable } from '../src/recommend/qualityTable.js';
import { recommend } from '../src/recommend/recommend.js';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { runProcess } from '../src/tools/process.js';
import { handmadeParsedRows, handmadeRun } from './fixtures/recommend/handmade.js';
import { compareFreezes, describeComparison, viewerRecords } from './helpers/freezeSides.js';
import { cameraSample, readCsv, readJson, simq } from './helpers/simq.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'simq-viewerlinks-'));
afterAll(() => {
  if (process.env.SIMQ_KEEP_TEST_DIR) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});
const CLIP = await cameraSample(10);

// The trace, written here: 3000 kbps, 500 from 10 s, 3000 again from 24 s (times since the sender's
// track was attached). The viewers subscribe a few seconds after the attach, so the drop comes at
// 10 s, leaving the table viewer some seconds on h first. The drop is to 500 and not to 800 (the shipped step trace): the handmade
// export keeps a 640x360 viewer on h down to h's downSwitchBps (563.5 kbps) and its table gives h
// from 600 kbps, so 800 would not move it; at 500 the table's cell is q (its 300 kbps column), and
// 3000 is above h's upSwitchBps (676.2 kbps) and below f's (3312 kbps), so the viewer goes back to h.
const DROP_MS = 10_000;
// 14 s at 500 kbps: the switch down can take several seconds to take effect there (below). The link's
// queue is 400 ms (QUEUE). With 400 kbps and the default 100 ms (5 KB) the switch took 1.1 to 3.7 s in
// most runs and 12.7 and 13.1 s in two (11 frames of q before the rise): this export's q (maxBitrate
// 400k) is sent at ~300 kbps (~355 on the wire), and Janus relays a keyframe as the publisher's pacer
// sent it, a 5-14 KB burst that a 5 KB queue kept dropping; the q keyframe that finally got through
// was a retransmission (its RTP time before the deltas around it). A 400 ms queue (25 KB at 500 kbps)
// holds such a burst once the h backlog has drained.
const DROP_KBPS = 500;
const QUEUE = 'queue=400ms';
const RISE_MS = 24_000;
const TRACE = {
  steps: [
    { t_s: 0, kbps: 3000 },
    { t_s: DROP_MS / 1000, kbps: DROP_KBPS },
    { t_s: RISE_MS / 1000, kbps: 3000 },
  ],
};
/** libwebrtc's VP8 layers of a 960x540 input (scaleResolutionDownBy 4 / 2 / 1). */
const SIZE = { q: '240x135', h: '480x270', f: '960x540' } as const;
/** The table viewer is re-decided once a second; the configure reply, Janus's switch and the new keyframe took 33-120 ms (../shared/docs/sfu-and-links.md). */
const DECIDE_MS = 1000;
const SWITCH_MS = 1500;
/**
 * The switch down takes effect much later than the rise, and how much later is the network's doing,
 * not simq's: the switch's keyframe request makes the publisher keyframe every layer, and Janus's
 * forwarding of them meets the h packets already filling the viewer's 500 kbps queue; packets the
 * full queue drops are re-sent after a NACK or a new PLI, which brings another keyframe burst.
 * Measured 3.55 s and 7.1 s (a fresh-clone CI-like run) behind a 100 ms queue; 0.88 and 0.87 s behind
 * the 400 ms queue (QUEUE). What is checked: q arrived while the link was still low, with at least a
 * second of q before the rise (the frames check below).
 */

interface Watched {
  /** nft loss counters of the lossy viewer's namespace, last read. */
  loss?: { seen: number; dropped: number };
  namespaces: Set<string>;
}

/** The test's own reads of the running namespaces of simq process `pid` every 0.5 s, until stopped. */
function watchLinks(pid: () => number | undefined) {
  const w: Watched = { namespaces: new Set() };
  let stop = false;
  const done = (async () => {
    while (!stop) {
      const p = pid();
      if (p) {
        const names = (await runProcess('ip', ['netns', 'list'])).stdout
          .toString()
          .split('\n')
          .map((l) => l.split(' ')[0]!)
          .filter((n) => n.startsWith(`simq-${p}-`));
        for (const n of names) w.namespaces.add(n);
        for (const ns of names) {
          const tables = await runProcess('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'tables']);
          const table =
            tables.code === 0
              ? (JSON.parse(tables.stdout.toString()) as { nftables: { table?: { name: string } }[] }).nftables.find(
                  (x) => x.table,
                )?.table?.name
              : undefined;
          if (!table) continue;
          const r = await runProcess('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'table', 'netdev', table]);
          if (r.code !== 0) continue;
          const rules = (
            JSON.parse(r.stdout.toString()) as {
              nftables: { rule?: { comment?: string; expr: { counter?: { packets: number } }[] } }[];
            }
          ).nftables.flatMap((x) => (x.rule ? [x.rule] : []));
          const count = (c: string) =>
            rules.find((x) => x.comment === c)?.expr.find((e) => e.counter)?.counter?.packets ?? 0;
          w.loss = { seen: count('seen'), dropped: count('dropped') };
        }
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return { w, stop: async () => ((stop = true), await done) };
}

/** Every line of `ip link`, `ip netns list`, `nft list tables`, `tc qdisc` naming simq process `pid`'s objects. */
async function leftOf(pid: number): Promise<string[]> {
  const out: string[] = [];
  for (const args of [
    ['ip', 'netns', 'list'],
    ['ip', 'link'],
    ['nft', 'list', 'tables'],
    ['tc', 'qdisc', 'show'],
  ]) {
    const r = await runProcess(args[0]!, args.slice(1));
    for (const line of r.stdout.toString().split('\n'))
      if (line.includes(`simq-${pid}-`) || line.includes(`sq${pid}-`) || line.includes(`simq_${pid}_`))
        out.push(`${args.join(' ')}: ${line.trim()}`);
  }
  return out;
}

/** Processes still alive whose environment names one of simq `pid`'s namespaces (the shaped viewers' browsers). */
function browsersIn(pid: number): string[] {
  const out: string[] = [];
  for (const p of execFileSync('ps', ['-eo', 'pid='], { encoding: 'utf8' })
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)) {
    try {
      if (readFileSync(`/proc/${p}/environ`, 'utf8').includes(`SIMQ_NETNS=simq-${pid}-`)) out.push(p);
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** Seconds before the drop in which the sender sent h (its own stats.csv): the table check's premise. */
const H_BEFORE_DROP_S = 4;
function hSentBeforeDrop(scenarioDir: string): number {
  const file = path.join(scenarioDir, 'stats.csv');
  if (!existsSync(file)) return 0;
  return readCsv(file).filter((r) => r.rid === 'h' && Number(r.t_s) < DROP_MS / 1000 && Number(r.fps) > 0).length;
}

/**
 * Frames at h's size the table viewer received before the drop: the first up-switch took effect. Janus
 * switches only on a keyframe of the new substream, which a keyframe request Chrome drops never brings:
 * one CI run asked h at 2.5 s and got q until 25 s. simq asks again after 2 s (ViewerSession ASK_AGAIN_MS).
 */
function hReceivedBeforeDrop(scenarioDir: string): number {
  const file = path.join(scenarioDir, 'viewers', 'v3-640x360-table.frames.csv');
  if (!existsSync(file)) return 0;
  return readCsv(file).filter((f) => Number(f.arrival_ms) < DROP_MS && `${f.width}x${f.height}` === SIZE.h).length;
}

/** The table viewer's events and the sender's h seconds, for the failure message. */
function premiseEvidence(scenarioDir: string): string {
  const file = path.join(scenarioDir, 'viewers', 'v3-640x360-table.events.csv');
  const events = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').slice(0, 40).join('\n  ') : '(none)';
  const hRows = existsSync(path.join(scenarioDir, 'stats.csv'))
    ? readCsv(path.join(scenarioDir, 'stats.csv'))
        .filter((r) => r.rid === 'h' && Number(r.fps) > 0)
        .map((r) => r.t_s)
        .join(' ')
    : '';
  return `sender h seconds: ${hRows}\n  table viewer events:\n  ${events}`;
}

function captureArgs(exportFile: string, viewers: string, runId: string): string[] {
  // 960x540 at 15 fps: the smallest input libwebrtc sends three VP8 layers for.
  return [
    'capture',
    CLIP,
    '--size',
    '960x540',
    '--fps',
    '15',
    '--duration',
    '32',
    '--warmup',
    '2',
    '--janus-export',
    exportFile,
    '--viewers',
    viewers,
    '--out',
    dir,
    '--run-id',
    runId,
    '--allow-degraded',
  ];
}

describe('viewers behind shaped links, through a real Janus', () => {
  let run: RunRecord;
  let scenarioDir: string;
  let code: number | null;
  let stderr: string;
  let child = 0;
  let watched: Watched;
  let exportFile: string;
  let measureCode: number | null;
  let measureStderr = '';
  let runId = 'links';
  /** Every capture's simq process (two when the premise was missed once). */
  const children: number[] = [];

  beforeAll(async () => {
    const rec = recommend(buildQualityTable(handmadeRun(), handmadeParsedRows()), {
      runDir: 'results/handmade',
      simqVersion: 'test',
      now: new Date('2025-01-02T00:00:00Z'),
    });
    exportFile = path.join(dir, 'janus.json');
    writeFileSync(exportFile, renderExport(rec, 'janus'));
    const traceFile = path.join(dir, `step-3000-${DROP_KBPS}-3000.json`);
    writeFileSync(traceFile, JSON.stringify(TRACE));
    const viewers = `480x270:fixed:h@5M,480x270:fixed:h@5M,loss=2%,640x360:table@${traceFile},${QUEUE}`;
    // The premise of the table viewer's check is that the sender sent h for several seconds before
    // the drop: from Chrome's 300 kbps start through Janus, one CI run had h off until 25 s (the
    // sender's estimate, not simq's doing). So a capture that misses it is made once more, saying
    // why; a second miss fails the check below with the reason. Starting the estimate higher
    // (SIMQ_START_BITRATE_KBPS=1500) was tried instead and made the switch down fail in 2 of 4 runs:
    // the q keyframe did not get through the viewer's full 400 kbps queue (the drop was to 400 then).
    for (let attempt = 1; ; attempt++) {
      runId = attempt === 1 ? 'links' : `links-${attempt}`;
      const watch = watchLinks(() => child || undefined);
      const r = await simq(captureArgs(exportFile, viewers, runId), {
        onStart: (pid) => children.push((child = pid)),
        timeoutMs: 400_000,
      });
      await watch.stop();
      watched = watch.w;
      code = r.code;
      stderr = r.stderr;
      run = readJson<RunRecord>(path.join(dir, runId, 'run.json'));
      scenarioDir = path.join(dir, runId, run.scenarios[0]!.id);
      const hSeconds = hSentBeforeDrop(scenarioDir);
      if (code !== 0 || hSeconds >= H_BEFORE_DROP_S || attempt === 2) break;
      console.log(
        `premise not met: the sender sent h in ${hSeconds} s before the drop (at least ${H_BEFORE_DROP_S} needed); capturing again`,
      );
    }
    // No assertion here reads a quality number (freezes, layers on screen and rates are measure's
    // timeline): no VMAF, and only the viewers' own sizes, so measure costs seconds, not minutes.
    const m = await simq(
      [
        'measure',
        path.join(dir, runId),
        '--vmaf-backend',
        'none',
        '--viewports',
        '480x270,640x360',
        '--allow-degraded',
      ],
      { timeoutMs: 400_000 },
    );
    measureCode = m.code;
    measureStderr = m.stderr;
    run = readJson<RunRecord>(path.join(dir, runId, 'run.json'));
  }, 900_000);

  const stats = (name: string) =>
    readCsv(path.join(scenarioDir, 'viewers', `${name}.stats.csv`)).filter((s) => s.framesReceived !== '');
  const last = (name: string) => stats(name).at(-1)!;

  it("runs, records each viewer's link in run.json and its timeline in viewers/<name>.link.csv", () => {
    expect(code, stderr).toBe(0);
    expect(measureCode, measureStderr).toBe(0);
    const entry = run.scenarios[0]!;
    const names = ['v1-480x270-fixed-h', 'v2-480x270-fixed-h', 'v3-640x360-table'];
    expect(entry.viewers!.map((v) => v.name)).toEqual(names);
    const links = entry.links!;
    expect(links.map((l) => [l.role, l.viewer, l.mode])).toEqual(names.map((n) => ['downlink', n, 'sfu-viewer']));
    expect(links[1]!.lossPercent).toBe(2);
    // The test saw three namespaces of simq's (one per shaped viewer) while it ran.
    expect(watched.namespaces.size).toBeGreaterThanOrEqual(3);
    for (const [i, n] of names.entries()) {
      expect(entry.viewers![i]!.files.link).toBe(`viewers/${n}.link.csv`);
      const rows = readCsv(path.join(scenarioDir, 'viewers', `${n}.link.csv`));
      expect(rows.length).toBeGreaterThan(10);
      // Media crossed the shaped queue: what it let out is the viewer's received payload
      // (inbound-rtp bytesReceived, payload only) plus every packet's headers (Ethernet, IP, UDP,
      // RTP with its extensions, SRTP tag), RTCP and STUN, and on the lossy link what nft dropped
      // after the queue. Measured 1.52-1.58 (about 830 B on the wire per 530 B of payload): more
      // than the headers alone explain, not investigated further; a bound, not a figure.
      expect(links[i]!.crossing!.ratio, n).toBeGreaterThan(1.0);
      expect(links[i]!.crossing!.ratio, n).toBeLessThan(2.0);
    }
    expect(links[2]!.applied.map((a) => [a.t_ms, a.kbps])).toEqual([
      [DROP_MS, DROP_KBPS],
      [RISE_MS, 3000],
    ]);
  });

  it("2% loss on a viewer's link: its NACK count is clearly higher than the same viewer's without loss", () => {
    const lossless = Number(last('v1-480x270-fixed-h').nackCount);
    const lossy = Number(last('v2-480x270-fixed-h').nackCount);
    // The test's own last read of the lossy namespace's nft counters: about 2% of the UDP it saw dropped.
    const loss = watched.loss!;
    expect(loss.seen).toBeGreaterThan(500);
    expect(loss.dropped / loss.seen).toBeGreaterThan(0.01);
    expect(loss.dropped / loss.seen).toBeLessThan(0.035);
    console.log(
      `nackCount without loss ${lossless}, with 2% loss ${lossy}; nft dropped ${loss.dropped} of ${loss.seen} (last read)`,
    );
    // Every dropped media packet is NACKed (a gap in sequence numbers, rtp_rtcp nack_requester.cc),
    // except ones dropped at the very end and whole lost retransmissions; a clean veth loses none.
    expect(lossy).toBeGreaterThanOrEqual(Math.floor(loss.dropped * 0.5));
    expect(lossy).toBeGreaterThan(5 * lossless + 10);
  });

  /** simq's freezes for a viewer (run.json measure, the same in quality.csv) and the browser's own inbound-rtp counters at the end. */
  function freezesOf(name: string): {
    simq: { count: number; totalS: number };
    browser: { count: number; totalS: number };
  } {
    const measured = (
      run as unknown as { measure: { viewers: { viewer: string; freezes: { count: number; totalS: number } }[] } }
    ).measure.viewers;
    const simqSays = measured.find((v) => v.viewer === name)!.freezes;
    const row = readCsv(path.join(dir, runId, 'quality.csv')).find((q) => q.rid === `viewer:${name}`)!;
    expect(Number(row.freeze_count)).toBe(simqSays.count);
    expect(Number(row.freeze_s)).toBeCloseTo(simqSays.totalS, 2);
    const browser = { count: Number(last(name).freezeCount), totalS: Number(last(name).totalFreezesDuration) };
    console.log(
      `${name}: simq ${simqSays.count} freezes / ${simqSays.totalS} s, inbound-rtp ${browser.count} / ${browser.totalS} s`,
    );
    return { simq: simqSays, browser };
  }
  const FIXED = ['v1-480x270-fixed-h', 'v2-480x270-fixed-h'];

  // simq's freezes come from the browser's own presentation times (render.csv, from the page's
  // requestVideoFrameCallback) by the w3c rule libwebrtc applies at the renderer's sink
  // (video_quality_observer2.cc OnRenderedFrame); the browser's inbound-rtp counters, read each
  // second, are the independent side. Before the render record (arrival times only), lossless v1
  // gave simq 1 freeze / 0.267 s against inbound-rtp 3 / 0.949 s, lossy v2 1 / 0.267 s against 8 / 2.406 s.
  it('the freezes simq reports for each viewer are the ones its own inbound-rtp counted', () => {
    for (const name of [...FIXED, 'v3-640x360-table']) {
      const { simq: s, browser: b } = freezesOf(name);
      const measured = (
        run as unknown as {
          measure: { viewers: { viewer: string; freezes: { list: { startS: number; durationS: number }[] } }[] };
        }
      ).measure.viewers.find((v) => v.viewer === name)!;
      // Freeze by freeze (helpers/freezeSides.ts): every freeze of either side is matched by a rise of
      // the browser's freezeCount, or explained by the records: a gap within 15% of the threshold
      // (seen: a 267 ms presented gap after the sender skipped 3 frames, that inbound-rtp did not
      // count; lossy v2 at ~10 fps had gaps of 200-361 ms against thresholds of 222-399 ms), a stall
      // of the page's presentation while the frames kept arriving (a CI run: lossless v1, simq 2
      // freezes / 0.76 s, inbound-rtp 1 / 0.39 s), or pictures presented without a callback over a
      // freeze the browser counted.
      const c = compareFreezes(measured.freezes.list, viewerRecords(path.join(scenarioDir, 'viewers'), name));
      const lines = describeComparison(name, c);
      if (lines) console.log(lines);
      // Left unexplained: a quarter of the larger count, at least 1 (a loaded CI run: simq 6,
      // inbound-rtp 4, totals 1.96 s against 1.45 s); and none of simq's 300 ms or longer, which
      // would be a freeze of delivery the browser did not see.
      const unexplained = [...c.simqOnly, ...c.browserOnly].filter((x) => x.why === 'unexplained');
      expect(unexplained.length, lines).toBeLessThanOrEqual(Math.max(1, Math.ceil(Math.max(b.count, s.count) / 4)));
      expect(
        c.simqOnly.filter((x) => x.why === 'unexplained' && x.freeze.durationS >= 0.3),
        `${name}: long freezes simq lists with no rise of the browser's count, frames not arriving through them\n${lines}`,
      ).toEqual([]);
      // Each freeze both counted: the same length within 0.2 s, the former bound's slack for one
      // freeze (0.1 s per freeze plus 0.1 s; rises of one freeze only).
      for (const m of c.matched.filter((x) => x.shared === 1))
        expect(Math.abs(m.simq.durationS - m.browserS), lines).toBeLessThanOrEqual(0.2);
    }
  });

  it("the table viewer is fed the link's rate: h at 3000 kbps, q after the drop to 500, h again after the rise", () => {
    const name = 'v3-640x360-table';
    expect(run.scenarios[0]!.viewers![2]).toMatchObject({ rateSource: 'link', table: exportFile });
    // The premise (made again once if missed, beforeAll): the sender sent h for several seconds before
    // the drop. Then the first switch up to h takes effect before it (simq asks again if Janus did not switch).
    expect(hSentBeforeDrop(scenarioDir), 'seconds the sender sent h in before the drop').toBeGreaterThanOrEqual(
      H_BEFORE_DROP_S,
    );
    expect(
      hReceivedBeforeDrop(scenarioDir),
      `h frames before the drop\n  ${premiseEvidence(scenarioDir)}`,
    ).toBeGreaterThan(0);
    // events.csv quotes its JSON details: csv-parse, not the test helper's plain split.
    const events = (
      parse(readFileSync(path.join(scenarioDir, 'viewers', `${name}.events.csv`), 'utf8'), { columns: true }) as Record<
        string,
        string
      >[]
    ).filter((e) => e.source === 'simq' && e.kind === 'configure');
    const sent = events.map((e) => ({
      t: Number(e.t_ms),
      rid: (JSON.parse(e.detail.slice(0, e.detail.indexOf('} ') + 1)) as { substream: number }).substream,
      again: e.detail.slice(e.detail.indexOf('} ') + 2).startsWith('again:'),
    }));
    // A request Janus had not acted on within 2 s is sent once more (ViewerSession ASK_AGAIN_MS): the
    // same substream, saying so. The decisions are the requests that are not repeats.
    for (const [i, a] of sent.entries()) if (a.again) expect(a.rid, `repeat at ${a.t} ms`).toBe(sent[i - 1]?.rid);
    const asked = sent.filter((a) => !a.again);
    // substream 0 = q, 1 = h (rid_order lmh). The decisions: start low, h, q after the drop, h after the rise.
    expect(asked.map((a) => a.rid)).toEqual([0, 1, 0, 1]);
    const down = asked[2]!.t;
    const up = asked[3]!.t;
    // Never before the trace's own step times, and within two decisions (once a second; a tick is
    // skipped while the previous one's configure is still in flight, ViewerSession.tick) of the moment
    // the new rate was on the link: when simq's `tc` call that set it returned (run.json applied[].took_ms;
    // on a loaded machine `tc` itself took 0.7 and 1.5 s in one run, and the rise was decided 2.57 s
    // after its step time, 1.03 s after the rate was set). Measured from the step: 0.47 and 0.56 s in
    // one run, 1.55 s for the rise in another.
    const applied = (t: number) => {
      const a = run.scenarios[0]!.links![2]!.applied.find((x) => x.t_ms === t)!;
      expect(a.took_ms, `tc took ${a.took_ms} ms to set the step at ${t} ms`).toBeLessThan(3000);
      return t + a.took_ms;
    };
    expect(down).toBeGreaterThanOrEqual(DROP_MS);
    expect(down).toBeLessThan(applied(DROP_MS) + 2 * DECIDE_MS + 500);
    expect(up).toBeGreaterThanOrEqual(RISE_MS);
    expect(up).toBeLessThan(applied(RISE_MS) + 2 * DECIDE_MS + 500);
    // What arrived: frames table (asked layer and the size of the last keyframe) and the sizes libwebrtc sends.
    const frames = readCsv(path.join(scenarioDir, 'viewers', `${name}.frames.csv`)).map((f) => ({
      t: Number(f.arrival_ms),
      asked: f.requested_rid,
      size: `${f.width}x${f.height}`,
      bytes: Number(f.bytes),
    }));
    const between = (a: number, b: number) => frames.filter((f) => f.t >= a && f.t < b);
    // A switch takes effect at the first keyframe of the new layer (Janus waits for one); from the
    // frames table, the first frame at the layer's size (libwebrtc's, by construction) after the
    // request. The first up-switch may wait for the sender's own ramp (h is not sent until its
    // bandwidth estimate allows: one run waited 5 s); the drop and the rise come when every layer is
    // sent, and take effect while the link is low (the drop) and within SWITCH_MS (the rise).
    const firstAt = (from: number, size: string) => frames.find((f) => f.t >= from && f.size === size)?.t ?? Infinity;
    const hFrom = firstAt(asked[1]!.t, SIZE.h);
    const qFrom = firstAt(down, SIZE.q);
    const hAgainFrom = firstAt(up, SIZE.h);
    console.log(
      `table viewer: asked h at ${asked[1]!.t} ms (h from ${hFrom}), q at ${down} ms (q from ${qFrom}), h at ${up} ms (h from ${hAgainFrom})`,
    );
    expect(qFrom, 'the switch down took effect while the link was low').toBeLessThan(up);
    expect(hAgainFrom - up).toBeLessThan(SWITCH_MS);
    const low = between(qFrom, up);
    const highAgain = between(hAgainFrom, Infinity);
    const highBefore = between(hFrom, down);
    for (const [what, set, rid] of [
      ['before the drop', highBefore, 'h'],
      ['after the drop', low, 'q'],
      ['after the rise', highAgain, 'h'],
    ] as const) {
      expect(set.length, what).toBeGreaterThan(15);
      expect(new Set(set.map((f) => f.asked)), what).toEqual(new Set([rid]));
      expect(set.filter((f) => f.size === SIZE[rid]).length, what).toBeGreaterThan(set.length * 0.9);
    }
    // Received sizes: q's frames are smaller than h's (bytes per frame, medians).
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(low.map((f) => f.bytes))).toBeLessThan(median(highAgain.map((f) => f.bytes)));
    // Its inbound-rtp agrees at the end: the h size.
    expect(`${last(name).frameWidth}x${last(name).frameHeight}`).toBe(SIZE.h);
  });

  it('leaves no namespace, veth, qdisc, nft table or viewer browser behind', async () => {
    expect(child).toBeGreaterThan(0);
    for (const pid of children) {
      expect(await leftOf(pid)).toEqual([]);
      expect(browsersIn(pid)).toEqual([]);
    }
  });
});

describe('SIGINT with shaped viewers', () => {
  it('exit 130; no namespace, veth, qdisc, nft table or viewer browser left', async () => {
    let child = 0;
    let timer: NodeJS.Timeout | undefined;
    let sawNamespace = false;
    const r = await simq(
      [
        'capture',
        CLIP,
        '--size',
        '640x360',
        '--duration',
        '30',
        '--sfu',
        'janus',
        '--viewers',
        '320x180:fixed:q@2M,loss=1%',
        '--out',
        dir,
        '--run-id',
        'sigint',
        '--allow-degraded',
      ],
      {
        onStart: (pid) => {
          child = pid;
          const viewersDir = path.join(dir, 'sigint', 'all-layers.vp8.janus', 'viewers');
          timer = setInterval(() => {
            if (!existsSync(viewersDir)) return;
            clearInterval(timer);
            setTimeout(() => {
              sawNamespace =
                execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).includes(`simq-${pid}-`) &&
                browsersIn(pid).length > 0;
              process.kill(pid, 'SIGINT');
            }, 3000);
          }, 200);
        },
      },
    );
    clearInterval(timer);
    expect(sawNamespace).toBe(true);
    expect(r.code, r.stderr).toBe(ExitCode.interrupted);
    expect(await leftOf(child)).toEqual([]);
    expect(browsersIn(child)).toEqual([]);
  });
});
