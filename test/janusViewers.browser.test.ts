// simq's SFU mode with a real Janus 1.1.2 and real Chromium: a three-layer VP8 publish of the Janus
// export itself (its publisher.sendEncodings and ridOrder), two fixed viewers (q and f) and one
// table viewer running the export's configure bodies. What each viewer received is checked against
// sources simq did not write: the viewer's bitstream decoded by ffmpeg, the sender-side layer
// bitstreams decoded by ffmpeg, and `janus --version`. Then: a browser crash and SIGINT leave no
// Janus, browser or ffmpeg process and no Janus temp folder; a missing or failing Janus writes nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import { renderExport } from '../src/recommend/exports/formats.js';
import { buildQualityTable } from '../src/recommend/qualityTable.js';
import { recommend } from '../src/recommend/recommend.js';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { handmadeParsedRows, handmadeRun } from './fixtures/recommend/handmade.js';
import { cameraSample, FFMPEG, readJson, simq, testEnv } from './helpers/simq.js';

let dir: string;
let clip: string;
let exportFile: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-janus-e2e-'));
  clip = await cameraSample();
  // The export under test: simq's own --format janus output for the hand-made recommendation
  // (q/h/f with maxBitrate 400k/1200k/2500k, lowest first, ridOrder "lmh").
  const rec = recommend(buildQualityTable(handmadeRun(), handmadeParsedRows()), {
    runDir: 'results/handmade',
    simqVersion: 'test',
    now: new Date('2025-01-02T00:00:00Z'),
  });
  exportFile = path.join(dir, 'janus.json');
  writeFileSync(exportFile, renderExport(rec, 'janus'));
});
afterAll(() => {
  if (process.env.SIMQ_KEEP_TEST_DIR) console.log(`kept ${dir}`);
  else execFileSync('rm', ['-rf', dir]);
});

const rows = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];

/** Every decoded picture's size, from ffmpeg's showinfo (independent of simq's frames table). */
function decodedSizes(file: string): string[] {
  const r = spawnSync(FFMPEG, ['-hide_banner', '-nostats', '-i', file, '-vf', 'showinfo', '-f', 'null', '-'], {
    encoding: 'utf8',
  });
  const err = r.stderr;
  return [...err.matchAll(/\bs:(\d+x\d+)\b/g)].map((m) => m[1]);
}

/** pid -> command line of every process now. */
function processTable(): Map<number, string> {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return new Map(
    out
      .trim()
      .split('\n')
      .map((l) => {
        const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l)!;
        return [Number(m[1]), `${m[2]} ${m[3]}`];
      }),
  );
}

/** Watches simq's descendants while it runs (browser, Janus, ffmpeg), so the test knows exactly which are its own. */
class Descendants {
  seen = new Map<number, string>();
  private timer: NodeJS.Timeout | undefined;
  start(root: number): void {
    this.timer = setInterval(() => {
      const table = processTable();
      const parents = new Set([root, ...this.seen.keys()]);
      for (let changed = true; changed;) {
        changed = false;
        for (const [pid, line] of table) {
          const ppid = Number(line.split(' ')[0]);
          if (parents.has(ppid) && !parents.has(pid)) {
            parents.add(pid);
            this.seen.set(pid, line.slice(line.indexOf(' ') + 1));
            changed = true;
          } else if (parents.has(ppid) && this.seen.has(pid) && !line.endsWith('<defunct>')) {
            // The same process with a new command line: /usr/bin/chromium is a shell script that execs
            // the browser in the same pid, so the first sight may be the script's.
            this.seen.set(pid, line.slice(line.indexOf(' ') + 1));
          }
        }
      }
    }, 150);
  }
  stop(): void {
    clearInterval(this.timer);
  }
  /** The recorded descendants still alive (same pid and same command line). */
  leftOver(): string[] {
    const table = processTable();
    return [...this.seen]
      .filter(([pid, args]) => table.get(pid)?.endsWith(args))
      .map(([pid, args]) => `${pid} ${args}`);
  }
  janusFolders(): string[] {
    return [...this.seen.values()].flatMap((a) => /-F (\/\S*simq-janus-\S+)/.exec(a)?.[1] ?? []);
  }
  /** The browser process itself (playwright drives it over --remote-debugging-pipe), not a renderer or helper. */
  browserProcess(): number | undefined {
    // The newest one alive: simq also starts a short-lived Chromium to probe its codecs.
    return this.browserProcesses().at(-1);
  }
  /**
   * Every Chromium browser process of simq's still alive (same pid and command line). A CI run once
   * killed only "the newest" and simq finished with exit 0: whichever Chromium that was, it was not
   * the capture's. Killing them all makes the premise ("the browser dies") certain.
   */
  browserProcesses(): number[] {
    const table = processTable();
    return [...this.seen]
      .filter(
        ([pid, a]) =>
          /chrom/i.test(a) && /--remote-debugging-pipe/.test(a) && !/--type=/.test(a) && table.get(pid)?.endsWith(a),
      )
      .map(([pid]) => pid);
  }
}

// A 960x540 input: libwebrtc sends three VP8 streams from 960x540 up (two at 640x360:
// simulcast_utility / encoder_stream_factory.cc), at scaleResolutionDownBy 4 / 2 / 1. 15 fps: one
// publisher and three viewers at 30 fps were CPU-limited on this shared 2-core machine (README).
const SIZES = { q: '240x135', h: '480x270', f: '960x540' } as const;
/** A switch's keyframe arrived 33-120 ms after the request when measured; frames in between are the old layer. */
const SWITCH_SETTLE_MS = 1000;
/** Janus's events reach simq by long poll: a picture this close to one may be either side of it. */
const EVENT_SLACK_MS = 300;
const RID_OF_SUBSTREAM = ['q', 'h', 'f'] as const;
type Rid = (typeof RID_OF_SUBSTREAM)[number];

/**
 * The sizes a layer was sent at, from the sender's own tap (<rid>.frames.csv). Nominally one size;
 * libwebrtc's CPU adaptation (qualityLimitationReason "cpu") may shrink a layer for a while on a busy
 * runner, and a viewer of that layer then receives those sizes too: the viewer checks compare with
 * what the sender sent, not with a size fixed in the test.
 */
function sentSizes(scenarioDir: string): Record<Rid, Set<string>> {
  const of = (rid: Rid) =>
    new Set(rows(path.join(scenarioDir, `${rid}.frames.csv`)).map((f) => `${f.width}x${f.height}`));
  return { q: of('q'), h: of('h'), f: of('f') };
}

/** Janus's `fallback` (250 ms without packets of a substream) less the capture clock's jitter. */
const FALLBACK_GAP_MS = 200;
/** A keyframe's way from the sender's tap to the viewer (a 109 KB f keyframe: 326 ms), with margin. */
const KEYFRAME_DELIVERY_MS = 500;

/**
 * When, by the sender's own tap (<rid>.frames.csv, ms on the scenario's time base), a viewer of `rid`
 * may be shown another layer: before the layer's first keyframe, and in each pause of at least
 * FALLBACK_GAP_MS in its frames (Janus then falls back a substream, janus_rtp_simulcasting_context_
 * process_rtp) until the layer's next keyframe (Janus goes back up only at one) has reached the viewer;
 * and from each `configure` simq sent for the viewer (its events.csv) until the layer's first keyframe
 * after it: Janus switches to the asked substream only at a keyframe of it (a CI run: f's first
 * keyframe at 989 ms came before the viewer asked, and the viewer got h until 2.5 s). A configure
 * Janus did not confirm (no `substream` event of Janus's naming the asked one) before simq asked
 * again (ViewerSession.askAgainIfIgnored, 2 s on) is explained until that second request: a keyframe
 * that reaches Janus before it has applied the configure switches nothing, and the publisher drops
 * Janus's keyframe request within 300 ms of its last (libwebrtc kMinKeyframeSendIntervalMs). A CI
 * run: f asked at 415 ms, f's keyframe at 486 ms, no confirmation, h until simq asked again at
 * 2499 ms. A Janus that ignores configures still fails: after the second request's keyframe, every
 * picture must be the asked layer.
 */
function senderPauses(scenarioDir: string, rid: Rid, viewer: string): [number, number][] {
  const frames = rows(path.join(scenarioDir, `${rid}.frames.csv`)).map((f) => ({
    t: Number(f.time_s) * 1000,
    key: f.type === 'key',
  }));
  const keyFrom = (t: number) => frames.find((f) => f.key && f.t >= t)?.t ?? Infinity;
  const pauses: [number, number][] = [[-Infinity, keyFrom(-Infinity) + KEYFRAME_DELIVERY_MS]];
  const events = rows(path.join(scenarioDir, 'viewers', `${viewer}.events.csv`));
  const asked = events.filter((e) => e.source === 'simq' && e.kind === 'configure').map((e) => Number(e.t_ms));
  for (const t of asked) pauses.push([t, keyFrom(t) + KEYFRAME_DELIVERY_MS]);
  const confirmed = (from: number, to: number) =>
    janusSubstreams(events).some((e) => RID_OF_SUBSTREAM[e.substream] === rid && e.t >= from && e.t <= to);
  asked.forEach((t, i) => {
    const again = asked[i + 1];
    if (again !== undefined && !confirmed(t, again)) pauses.push([t, again]);
  });
  for (let i = 1; i < frames.length; i++)
    if (frames[i].t - frames[i - 1].t >= FALLBACK_GAP_MS)
      pauses.push([frames[i - 1].t, keyFrom(frames[i].t) + KEYFRAME_DELIVERY_MS]);
  return pauses;
}

/** Janus's own `substream` events of a viewer (its events.csv, or its rows): what it forwarded from when. */
function janusSubstreams(file: string | Record<string, string>[]): { t: number; substream: number }[] {
  return (typeof file === 'string' ? rows(file) : file)
    .filter((e) => e.source === 'janus' && e.kind === 'substream')
    .map((e) => ({ t: Number(e.t_ms), substream: Number(e.detail) }));
}

describe('three viewers through a real Janus', () => {
  let run: RunRecord;
  let scenarioDir: string;
  let result: Awaited<ReturnType<typeof simq>>;
  let sent: Record<Rid, Set<string>>;
  const procs = new Descendants();

  /** One capture through Janus with the three viewers; the run's record. */
  async function captureViewers(runId: string): Promise<RunRecord> {
    result = await simq(
      [
        'capture',
        clip,
        '--size',
        '960x540',
        '--fps',
        '15',
        '--duration',
        '14',
        '--warmup',
        '2',
        '--janus-export',
        exportFile,
        '--viewers',
        '240x135:fixed:q,960x540:fixed:f,640x360:table',
        '--out',
        dir,
        '--run-id',
        runId,
        '--allow-degraded',
      ],
      { onStart: (pid) => procs.start(pid), timeoutMs: 240_000 },
    );
    const record = readJson<RunRecord>(path.join(dir, runId, 'run.json'));
    scenarioDir = path.join(dir, runId, record.scenarios[0].id);
    return record;
  }

  beforeAll(async () => {
    run = await captureViewers('viewers');
    // The viewers can only be checked against layers the sender sent. In one CI run the sender's
    // bandwidth estimate through Janus stayed below f's minimum for the whole capture (the allocator
    // never switched f on; the sender's problem, not the SFU's): such a capture is made once more,
    // saying why, and the checks below then fail on the second one if it happens again.
    const unsent = run.scenarios[0].layers.filter((l) => (l.framesCaptured ?? 0) < 100).map((l) => l.rid);
    if (unsent.length) {
      console.warn(`the sender sent no (or few) frames of ${unsent.join(', ')} through Janus; capturing once more`);
      run = await captureViewers('viewers-again');
    }
    procs.stop();
    sent = sentSizes(scenarioDir);
  }, 560_000);

  it('runs to the end and records Janus and the room in run.json', () => {
    expect(result.code, result.stderr).toBe(0);
    const entry = run.scenarios[0];
    expect(entry.id).toBe('janus-export.vp8.janus');
    // The version Janus itself reports, not simq's record of it.
    // `janus --version` prints the version and exits non-zero: read its output, not its status.
    const version = /\((\d+\.\d+\.\d+)\)/.exec(spawnSync('janus', ['--version'], { encoding: 'utf8' }).stdout)![1];
    expect(entry.sfu).toMatchObject({ kind: 'janus', version, room: { bitrate: 0, videocodec: 'vp8' } });
    expect(entry.sfu!.settings).toMatchObject({ slowlinkThreshold: 4, plugins: ['janus.plugin.videoroom'] });
    expect(entry.viewers!.map((v) => v.name)).toEqual(['v1-240x135-fixed-q', 'v2-960x540-fixed-f', 'v3-640x360-table']);
  });

  it("the sender-side tap still records every layer (the export's encodings, lowest first)", () => {
    const entry = run.scenarios[0];
    expect(entry.scenario.encodings.map((e) => e.rid)).toEqual(['q', 'h', 'f']);
    for (const rid of ['q', 'h', 'f'] as const) {
      const layer = entry.layers.find((l) => l.rid === rid)!;
      expect(layer.framesCaptured).toBeGreaterThan(100);
      // ffmpeg decodes the layer the sender sent, at the size libwebrtc gives the layer, or at a size
      // CPU adaptation shrank it to while outbound-rtp said so.
      const sizes = new Set(decodedSizes(path.join(scenarioDir, layer.bitstream!)));
      expect(sizes.has(SIZES[rid]), `${rid} decoded at ${[...sizes].join(', ')}`).toBe(true);
      const reported = new Set(
        rows(path.join(scenarioDir, 'stats.csv'))
          .filter((r) => r.rid === rid && r.width !== '')
          .map((r) => `${r.width}x${r.height}`),
      );
      for (const size of sizes) if (size !== SIZES[rid]) expect(reported, `${rid} decoded at ${size}`).toContain(size);
    }
  });

  for (const [name, rid] of [
    ['v1-240x135-fixed-q', 'q'],
    ['v2-960x540-fixed-f', 'f'],
  ] as const) {
    it(`${name}: every picture after its request is ${rid}'s size (frames table, ffmpeg, inbound-rtp)`, () => {
      const frames = rows(path.join(scenarioDir, 'viewers', `${name}.frames.csv`));
      expect(frames.length).toBeGreaterThan(150);
      expect(new Set(frames.map((f) => f.requested_rid))).toEqual(new Set([rid]));
      const settled = frames.filter((f) => Number(f.arrival_ms) > Number(frames[0].arrival_ms) + SWITCH_SETTLE_MS);
      // Janus falls back a substream on its own when the asked one stops for `fallback` (250 ms; a
      // CPU-starved encoder skips frames): a picture of another size must then be the substream
      // Janus's own events say it forwarded, and most pictures are the asked layer.
      const forwarded = janusSubstreams(path.join(scenarioDir, 'viewers', `${name}.events.csv`));
      for (const f of settled) {
        const t = Number(f.arrival_ms);
        if (forwarded.some((e) => Math.abs(e.t - t) < EVENT_SLACK_MS)) continue;
        // Janus's last word before the picture, early or late: at the start it forwards the highest
        // substream it has up to the asked one (a CI run's f viewer got h until 3.8 s: the sender
        // had not switched f on yet) and says so; without a word, the asked layer.
        const by = forwarded.filter((e) => e.t <= t).at(-1);
        const expected: Rid = by ? RID_OF_SUBSTREAM[by.substream] : rid;
        expect(
          [...sent[expected]],
          `frame ${f.index} at ${t} ms is ${f.width}x${f.height} (Janus forwarded ${by?.substream})`,
        ).toContain(`${f.width}x${f.height}`);
      }
      // And every picture of another layer is one the sender's own tap explains: a pause in the asked
      // layer's frames (Janus's fallback, or the layer not on yet) until its next keyframe. A CI run's
      // f viewer had 83 of 208 such pictures, which a share (80% of the asked layer) called a failure;
      // a viewer whose configure Janus ignored gets other layers while the asked one flows, and fails.
      const pauses = senderPauses(scenarioDir, rid, name);
      const unexplained = settled.filter(
        (f) =>
          !sent[rid].has(`${f.width}x${f.height}`) &&
          !pauses.some(([a, b]) => Number(f.arrival_ms) >= a && Number(f.arrival_ms) <= b),
      );
      expect(
        unexplained.map((f) => `frame ${f.index} at ${f.arrival_ms} ms ${f.width}x${f.height}`),
        `${rid} paused by the sender's tap: ${JSON.stringify(pauses.map(([a, b]) => [Math.round(a), Math.round(b)]))}`,
      ).toEqual([]);
      // And the asked layer is received for a good part of the run (a third; the CI run above: 60%).
      expect(settled.filter((f) => sent[rid].has(`${f.width}x${f.height}`)).length).toBeGreaterThan(settled.length / 3);
      // The bitstream as ffmpeg decodes it: the same count of pictures, the last ones at the layer's size.
      const decoded = decodedSizes(path.join(scenarioDir, 'viewers', `${name}.ivf`));
      expect(decoded.length).toBe(frames.length);
      expect(decoded).toEqual(frames.map((f) => `${f.width}x${f.height}`));
      const stats = rows(path.join(scenarioDir, 'viewers', `${name}.stats.csv`)).filter((s) => s.frameWidth !== '');
      const last = stats.slice(-5);
      expect(last.length).toBe(5);
      for (const s of last) expect([...sent[rid]]).toContain(`${s.frameWidth}x${s.frameHeight}`);
    });
  }

  it('the table viewer changes layer during the run and receives what it asked for after each switch', () => {
    const name = 'v3-640x360-table';
    const frames = rows(path.join(scenarioDir, 'viewers', `${name}.frames.csv`));
    const asked = [...new Set(frames.map((f) => f.requested_rid))];
    expect(asked.length).toBeGreaterThan(1);
    // Frames well after each request carry the requested layer's size.
    const events = rows(path.join(scenarioDir, 'viewers', `${name}.events.csv`)).filter(
      (e) => e.source === 'simq' && e.kind === 'configure',
    );
    // Up and down again is allowed (loss or a freeze lowers the rate): every rid asked was requested.
    expect(events.length).toBeGreaterThanOrEqual(asked.length);
    const requestTimes = events.map((e) => Number(e.t_ms));
    const settled = frames.filter((f) =>
      requestTimes.every((t) => Math.abs(Number(f.arrival_ms) - t) > SWITCH_SETTLE_MS || Number(f.arrival_ms) < t),
    );
    expect(settled.length).toBeGreaterThan(frames.length / 2);
    // As for the fixed viewers: the asked layer, or the substream Janus's own events say it fell back to.
    const forwarded = janusSubstreams(path.join(scenarioDir, 'viewers', `${name}.events.csv`));
    let asRequested = 0;
    for (const f of settled) {
      const t = Number(f.arrival_ms);
      if (forwarded.some((e) => Math.abs(e.t - t) < EVENT_SLACK_MS)) continue;
      const size = `${f.width}x${f.height}`;
      const by = forwarded.filter((e) => e.t <= t).at(-1);
      if (sent[f.requested_rid as Rid].has(size)) asRequested++;
      else
        expect(
          by ? [...sent[RID_OF_SUBSTREAM[by.substream]]] : [],
          `frame ${f.index} at ${t} ms (${size}) asked ${f.requested_rid}, Janus forwarded ${by?.substream}`,
        ).toContain(size);
    }
    expect(asRequested).toBeGreaterThan(settled.length * 0.8);
    // Each configure body sent is the export's own body for that rid (plus the mid).
    const doc = readJson<{ subscriberTable: { rid: string | null; configure: Record<string, unknown> | null }[] }>(
      exportFile,
    );
    for (const e of events) {
      const body = JSON.parse(e.detail.slice(0, e.detail.indexOf('} ') + 1)) as Record<string, unknown>;
      const { mid: _mid, ...rest } = body;
      expect(doc.subscriberTable.some((r) => r.configure && JSON.stringify(r.configure) === JSON.stringify(rest))).toBe(
        true,
      );
    }
    // Janus confirmed the switches (its substream events), and inbound-rtp saw the last size.
    const janus = rows(path.join(scenarioDir, 'viewers', `${name}.events.csv`)).filter(
      (e) => e.source === 'janus' && e.kind === 'substream',
    );
    expect(janus.length).toBeGreaterThan(0);
    const last = rows(path.join(scenarioDir, 'viewers', `${name}.stats.csv`))
      .filter((s) => s.frameWidth !== '')
      .at(-1)!;
    expect(`${last.frameWidth}x${last.frameHeight}`).toBe(`${frames.at(-1)!.width}x${frames.at(-1)!.height}`);
    expect(run.scenarios[0].viewers![2]).toMatchObject({ rateSource: 'receive-stats', table: exportFile });
  });

  it('leaves no Janus, browser or ffmpeg process and no Janus folder behind', () => {
    expect(procs.seen.size).toBeGreaterThan(0);
    expect([...procs.seen.values()].some((a) => /janus -F/.test(a))).toBe(true);
    expect(procs.leftOver()).toEqual([]);
    for (const f of procs.janusFolders()) expect(existsSync(f), f).toBe(false);
  });
});

describe('stopping early', () => {
  async function stopped(
    how: 'SIGINT' | 'crash',
  ): Promise<{ r: Awaited<ReturnType<typeof simq>>; procs: Descendants; killed: string[] }> {
    const procs = new Descendants();
    let timer: NodeJS.Timeout | undefined;
    let killError: Error | undefined;
    let killer: NodeJS.Timeout | undefined;
    const killed: string[] = [];
    const r = await simq(
      [
        'capture',
        clip,
        '--size',
        '640x360',
        '--duration',
        '30',
        '--sfu',
        'janus',
        '--viewers',
        '160x90:fixed:q',
        '--out',
        dir,
        '--run-id',
        `stop-${how}`,
        '--allow-degraded',
      ],
      {
        onStart: (pid) => {
          procs.start(pid);
          // Once the viewer subscribed (its record folder exists: Janus, both pages and the viewer are up), stop.
          const viewersDir = path.join(dir, `stop-${how}`, 'all-layers.vp8.janus', 'viewers');
          timer = setInterval(() => {
            if (!existsSync(viewersDir)) return;
            clearInterval(timer);
            setTimeout(() => {
              try {
                if (how === 'SIGINT') process.kill(pid, 'SIGINT');
                else {
                  const browsers = procs.browserProcesses();
                  if (browsers.length === 0) throw new Error("no Chromium of simq's found to kill");
                  for (const b of browsers) {
                    killed.push(`${b} ${procs.seen.get(b)}`);
                    process.kill(b, 'SIGKILL');
                  }
                  // The premise is "the browser dies during the capture": a capture simq starts again
                  // (a retry of a scenario that had not settled when the kill came) dies too, so the
                  // outcome does not depend on how far the capture was on a busy machine.
                  killer = setInterval(() => {
                    for (const again of procs.browserProcesses()) {
                      killed.push(`${again} ${procs.seen.get(again)}`);
                      try {
                        process.kill(again, 'SIGKILL');
                      } catch {
                        // gone between the process table and the kill
                      }
                    }
                  }, 500);
                }
              } catch (e) {
                killError = e as Error;
              }
            }, 3000);
          }, 200);
        },
      },
    );
    clearInterval(timer);
    clearInterval(killer);
    procs.stop();
    expect(killError).toBeUndefined();
    return { r, procs, killed };
  }

  it('SIGINT: exit 130, nothing left running', async () => {
    const { r, procs } = await stopped('SIGINT');
    expect(r.code, r.stderr).toBe(ExitCode.interrupted);
    expect(procs.leftOver()).toEqual([]);
    for (const f of procs.janusFolders()) expect(existsSync(f), f).toBe(false);
  });

  it('the browser killed: the run is incomplete, nothing left running', async () => {
    const { r, procs, killed } = await stopped('crash');
    expect(r.code, `${r.stderr}\nkilled:\n${killed.join('\n')}`).toBe(ExitCode.incomplete);
    expect(r.stderr).toMatch(/exited/);
    expect(procs.leftOver()).toEqual([]);
    for (const f of procs.janusFolders()) expect(existsSync(f), f).toBe(false);
  });
});

describe('Janus missing or failing to start: exit 3 with the fix, nothing written', () => {
  const args = (runId: string) => [
    'capture',
    clip,
    '--size',
    '640x360',
    '--duration',
    '4',
    '--sfu',
    'janus',
    '--out',
    dir,
    '--run-id',
    runId,
  ];

  it('--janus /nonexistent', async () => {
    const r = await simq([...args('missing'), '--janus', '/nonexistent']);
    expect(r.code).toBe(ExitCode.environment);
    expect(r.stderr).toMatch(/--janus \/nonexistent: no executable file there/);
    expect(r.stderr).toMatch(/sudo apt-get install -y janus/);
    expect(existsSync(path.join(dir, 'missing'))).toBe(false);
  });

  it('JANUS_PATH to a file that is not executable', async () => {
    const file = path.join(dir, 'janus-not-exec');
    writeFileSync(file, 'not a program\n', { mode: 0o644 });
    const r = await simq(args('notexec'), { env: testEnv({ JANUS_PATH: file }) });
    expect(r.code).toBe(ExitCode.environment);
    expect(r.stderr).toContain(`JANUS_PATH=${file}: no executable file there`);
    expect(existsSync(path.join(dir, 'notexec'))).toBe(false);
  });

  // simq checks a pinned port itself: Janus with its port taken crashed (SIGSEGV) before its log
  // thread wrote why, in a run here, so its own line cannot be relied on.
  it('its HTTP port taken: exit 3 before Janus starts, naming the port and how to free it', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await simq(args('porttaken'), { env: testEnv({ SIMQ_JANUS_PORT: String(port) }) });
      expect(r.code).toBe(ExitCode.environment);
      expect(r.stderr).toMatch(
        new RegExp(`HTTP port 127\\.0\\.0\\.1:${port} \\(SIMQ_JANUS_PORT\\) is not free: .*EADDRINUSE`),
      );
      expect(r.stderr).toMatch(new RegExp(`stop what listens on port ${port}, set SIMQ_JANUS_PORT to a free port`));
      expect(r.stderr).not.toMatch(/exited during start/);
      expect(existsSync(path.join(dir, 'porttaken'))).toBe(false);
    } finally {
      server.close();
    }
  });
});
