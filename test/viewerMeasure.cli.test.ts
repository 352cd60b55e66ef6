// Measuring what an SFU viewer displays, on a viewer recording whose answer is known by construction
// (no browser, no SFU): the camera sample's first 210 frames, at 640x360, are encoded with ffmpeg's
// libvpx (VP8) at 160x90, 320x180 and 640x360, a keyframe every 30 frames, and spliced at keyframes
// into one IVF the way a Janus subscriber receives it (a 640x360 input's three layers: at 1280x720 the
// test took 56 s of the CLI tier for the same construction):
//   q (160x90): two delta frames before any keyframe (undecodable), then source frames 30..59;
//   a switch burst at 60: h's keyframe, then f's 3 RTP ticks later (one picture: f's is shown);
//   f (640x360): 60..149, frames 105..119 arrive late, together with 120 (a freeze of 16 frames);
//   a switch burst at 150: f's keyframe, then h's;
//   h (320x180): 150..209, delta 171 lost (never received), 172..179 reference it (undecodable) until
//   the keyframe at 180 (a freeze of 10 frames).
// Frames otherwise arrive one source interval apart with +-5 ms jitter. The viewer renders at 320x180.
// Expected: 180 display ticks, tick k showing source frame 30 + k (a frozen tick is compared with the
// source frame then live); two freezes of 16 and 10 frame intervals; 1 s on q, 3 s on f, 2 s on h;
// 2 switches; each shown picture's pairing confirmed by an independent brute-force search; one
// picture's VMAF equal (within 0.5) to libvmaf run directly by ffmpeg on the same frames. The run goes
// through `simq measure` on a run directory built here (its layers are the three encodes).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { grayFrames, wrongPairing } from './helpers/pairingCheck.js';
import { cameraSample, FFMPEG, readCsv, readJson, ROOT, simq } from './helpers/simq.js';

const FPS = 30;
const PERIOD_MS = 1000 / FPS;
const FRAMES = 210;
const RTP_BASE = 1_234_567;
const LAYERS = { q: [160, 90], h: [320, 180], f: [640, 360] } as const;
const INPUT = LAYERS.f;
type Rid = keyof typeof LAYERS;
const RENDER = '320x180';
/** A name with HTML in it: the report must escape it (file names may hold '<' on Linux). */
const VIEWER = 'v320<i>';

interface Received {
  rid: Rid;
  source: number;
  key: boolean;
  rtp: number;
  arrivalMs: number;
  frameId: number;
  deps: number[];
}

let dir: string;
let run: string;
let y4m: string;
const encoded = {} as Record<Rid, Buffer[]>;
const received: Received[] = [];

/** The frames of an IVF file, read by the test itself (32-byte header, 12-byte frame headers). */
function ivfFrames(file: string): Buffer[] {
  const buf = readFileSync(file);
  const out: Buffer[] = [];
  for (let at = buf.readUInt16LE(6); at + 12 <= buf.length; at += 12 + buf.readUInt32LE(at))
    out.push(buf.subarray(at + 12, at + 12 + buf.readUInt32LE(at)));
  return out;
}

function ivf(frames: Buffer[], width: number, height: number, pts: number[]): Buffer {
  const header = Buffer.alloc(32);
  header.write('DKIF', 0, 'ascii');
  header.writeUInt16LE(32, 6);
  header.write('VP80', 8, 'ascii');
  header.writeUInt16LE(width, 12);
  header.writeUInt16LE(height, 14);
  header.writeUInt32LE(90000, 16);
  header.writeUInt32LE(1, 20);
  header.writeUInt32LE(frames.length, 24);
  return Buffer.concat([
    header,
    ...frames.flatMap((f, i) => {
      const h = Buffer.alloc(12);
      h.writeUInt32LE(f.length, 0);
      h.writeBigUInt64LE(BigInt(pts[i]), 4);
      return [h, f];
    }),
  ]);
}

/** VP8 key frame: bit 0 of the frame tag is 0 (RFC 6386 9.1). */
const isKey = (frame: Buffer) => (frame[0] & 1) === 0;
const rtpOf = (source: number) => RTP_BASE + source * 3000;
const jitter = (source: number) => ((source * 7919) % 11) - 5;
const normalArrival = (source: number) => 1000 + source * PERIOD_MS + jitter(source);
const idOf = (rid: Rid, source: number) => source * 4 + ['q', 'h', 'f'].indexOf(rid);

/** The viewer's received frames, as constructed in the header. */
function construct(): void {
  const add = (rid: Rid, source: number, extra: Partial<Received> = {}) => {
    const key = isKey(encoded[rid][source]);
    received.push({
      rid,
      source,
      key,
      rtp: rtpOf(source),
      arrivalMs: normalArrival(source),
      frameId: idOf(rid, source),
      deps: key ? [] : [idOf(rid, source - 1)],
      ...extra,
    });
  };
  for (let s = 28; s < 60; s++) add('q', s);
  add('h', 60);
  add('f', 60, { rtp: rtpOf(60) + 3, arrivalMs: normalArrival(60) + 1 });
  for (let s = 61; s < 150; s++)
    add('f', s, s >= 105 && s <= 119 ? { arrivalMs: normalArrival(120) - (120 - s) * 0.2 } : {});
  add('f', 150);
  add('h', 150, { rtp: rtpOf(150) + 2, arrivalMs: normalArrival(150) + 1 });
  for (let s = 151; s < FRAMES; s++) if (s !== 171) add('h', s);
}

function writeRunDir(): void {
  const fixture = readJson<RunRecord>(path.join(ROOT, 'test', 'fixtures', 'report-run', 'run.json'));
  const scenario = structuredClone(fixture.scenarios[0]);
  const sdir = path.join(run, scenario.id);
  mkdirSync(path.join(sdir, 'viewers'), { recursive: true });
  for (const layer of scenario.layers) {
    const rid = layer.rid as Rid;
    const frames = encoded[rid];
    writeFileSync(
      path.join(sdir, `${rid}.ivf`),
      ivf(
        frames,
        LAYERS[rid][0],
        LAYERS[rid][1],
        frames.map((_, i) => i * 3000),
      ),
    );
    const rows = frames.map((f, i) =>
      [
        i,
        rtpOf(i) + idOf(rid, 0),
        (normalArrival(i) / 1000).toFixed(4),
        f.length,
        isKey(f) ? 'key' : 'delta',
        '',
        ...LAYERS[rid],
      ].join(','),
    );
    writeFileSync(
      path.join(sdir, `${rid}.frames.csv`),
      ['frame_index,rtp_timestamp,time_s,bytes,type,temporal_index,width,height', ...rows].join('\n') + '\n',
    );
    const [width, height] = LAYERS[rid];
    Object.assign(layer, {
      configured: { ...layer.configured, width, height },
      steady: layer.steady && { ...layer.steady, width, height },
      bitstream: `${rid}.ivf`,
      framesCsv: `${rid}.frames.csv`,
      framesCaptured: frames.length,
      framesEncoded: frames.length,
    });
  }
  const viewerFrames = received.map((r) => encoded[r.rid][r.source]);
  writeFileSync(
    path.join(sdir, 'viewers', `${VIEWER}.ivf`),
    ivf(
      viewerFrames,
      ...LAYERS.q,
      received.map((r) => r.rtp - RTP_BASE),
    ),
  );
  const rows = received.map((r, i) =>
    [
      i,
      r.rtp,
      r.arrivalMs.toFixed(3),
      viewerFrames[i].length,
      r.key ? 'key' : 'delta',
      ...LAYERS[r.rid],
      r.rid,
      '',
      r.frameId,
      r.deps.join(' '),
    ].join(','),
  );
  writeFileSync(
    path.join(sdir, 'viewers', `${VIEWER}.frames.csv`),
    [
      'index,rtp_timestamp,arrival_ms,bytes,type,width,height,requested_rid,requested_temporal,frame_id,dependencies',
      ...rows,
    ].join('\n') + '\n',
  );
  // The record the capture writes (src/viewer/ViewerTypes.ts ViewerRecord): the render size is its width and height.
  const [renderWidth, renderHeight] = RENDER.split('x').map(Number);
  (scenario as unknown as { viewers: unknown[] }).viewers = [
    {
      name: VIEWER,
      spec: `${RENDER}:table`,
      width: renderWidth,
      height: renderHeight,
      policy: { kind: 'table' },
      files: {
        bitstream: `viewers/${VIEWER}.ivf`,
        frames: `viewers/${VIEWER}.frames.csv`,
        stats: `viewers/${VIEWER}.stats.csv`,
        events: `viewers/${VIEWER}.events.csv`,
      },
      framesReceived: 0,
      requests: 0,
    },
  ];
  const record = {
    ...fixture,
    measure: undefined,
    runId: 'viewer',
    status: 'complete',
    input: { ...fixture.input, source: y4m, y4m, frames: FRAMES, width: INPUT[0], height: INPUT[1] },
    scenarios: [scenario],
  };
  writeFileSync(path.join(run, 'run.json'), JSON.stringify(record, null, 2));
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-viewer-measure-'));
  y4m = path.join(dir, 'camera.y4m');
  // The camera sample made for this test session (a fresh clone has no samples/): 8 s > FRAMES at 30 fps.
  const camera = await cameraSample(8);
  execFileSync(FFMPEG, [
    '-v',
    'error',
    '-i',
    camera,
    '-frames:v',
    String(FRAMES),
    '-vf',
    `scale=${INPUT[0]}:${INPUT[1]}`,
    '-pix_fmt',
    'yuv420p',
    '-y',
    y4m,
  ]);
  for (const [rid, [w, h]] of Object.entries(LAYERS) as [Rid, readonly [number, number]][]) {
    const file = path.join(dir, `${rid}.ivf`);
    // No alt-ref (invisible) frames and no lag: one IVF frame per source frame, as a WebRTC encoder
    // sends. "good" with one thread is deterministic (the realtime deadline adapts its speed to the
    // wall clock: two encodes differed, and a starved frame after a keyframe then looked like its predecessor).
    execFileSync(FFMPEG, [
      '-v',
      'error',
      '-i',
      y4m,
      '-vf',
      `scale=${w}:${h}`,
      '-c:v',
      'libvpx',
      '-threads',
      '1',
      '-deadline',
      'good',
      '-cpu-used',
      '5',
      '-b:v',
      `${Math.max(100, (w * h) / 300)}k`,
      '-g',
      '30',
      '-keyint_min',
      '30',
      '-auto-alt-ref',
      '0',
      '-lag-in-frames',
      '0',
      '-f',
      'ivf',
      '-y',
      file,
    ]);
    encoded[rid] = ivfFrames(file);
  }
  run = path.join(dir, 'run');
  construct();
  writeRunDir();
  const m = await simq(['measure', run, '--viewports', RENDER, '--quiet']);
  expect(m.code, m.stderr).toBe(0);
}, 600_000);
afterAll(() => (process.env.KEEP ? undefined : rmSync(dir, { recursive: true, force: true })));

/** Per display tick k, the received frame the construction says is on screen, and whether it repeats. */
function expectedTicks(): { row: number; frozen: boolean; rid: Rid }[] {
  const rowOf = (rid: Rid, source: number) => received.findIndex((r) => r.rid === rid && r.source === source);
  const ridAt = (s: number): Rid => (s < 60 ? 'q' : s < 150 ? 'f' : 'h');
  return Array.from({ length: 180 }, (_, k) => {
    const s = 30 + k;
    if (s >= 105 && s <= 119) return { row: rowOf('f', 104), frozen: true, rid: 'f' };
    if (s >= 171 && s <= 179) return { row: rowOf('h', 170), frozen: true, rid: 'h' };
    return { row: rowOf(ridAt(s), s), frozen: false, rid: ridAt(s) };
  });
}

const viewerPictures = () => readCsv(path.join(run, 'pictures.csv')).filter((r) => r.rid === `viewer:${VIEWER}`);
const viewerRecord = () =>
  readJson<RunRecord>(path.join(run, 'run.json')).measure!.viewers!.find((v) => v.viewer === VIEWER)!;

describe('a viewer recording built from known frames', () => {
  it('the construction holds: keyframes every 30 frames in every layer, 210 frames each', () => {
    for (const rid of Object.keys(LAYERS) as Rid[]) {
      expect(encoded[rid].length, rid).toBe(FRAMES);
      expect(
        encoded[rid].map((f, i) => (isKey(f) ? i : -1)).filter((i) => i >= 0),
        rid,
      ).toEqual([0, 30, 60, 90, 120, 150, 180]);
    }
  });

  it('every display tick shows the frame the construction put there, paired with source frame 30 + tick', () => {
    const rows = viewerPictures();
    const want = expectedTicks();
    expect(rows.length).toBe(want.length);
    rows.forEach((r, k) => {
      expect([Number(r.display_index), Number(r.frame_index), r.frozen, Number(r.source_index)], `tick ${k}`).toEqual([
        k,
        want[k].row,
        want[k].frozen ? '1' : '0',
        30 + k,
      ]);
      expect(r.size).toBe(RENDER);
    });
  });

  it("an independent brute-force search confirms every shown picture's source frame at the render size", async () => {
    const [w, h] = RENDER.split('x').map(Number);
    const ref = await grayFrames(FFMPEG, y4m, w, h);
    const decoded = {} as Record<Rid, Buffer[]>;
    for (const rid of Object.keys(LAYERS) as Rid[])
      decoded[rid] = await grayFrames(FFMPEG, path.join(dir, `${rid}.ivf`), w, h);
    const shown = viewerPictures().filter((r) => r.frozen === '0');
    const wrong = shown
      .map((r) => {
        const got = received[Number(r.frame_index)];
        return [r.display_index, wrongPairing(decoded[got.rid][got.source], ref, Number(r.source_index))];
      })
      .filter(([, bad]) => bad);
    expect(shown.length).toBe(180 - 15 - 9);
    expect(wrong).toEqual([]);
  });

  it('two freezes of 16 and 10 frame intervals, by the w3c rule', () => {
    const v = viewerRecord();
    expect(v.freezes!.count).toBe(2);
    expect(v.freezes!.list.map((f) => f.durationS * 1000)[0]).toBeCloseTo((16 * 1000) / FPS, -0.5);
    expect(v.freezes!.list.map((f) => f.durationS * 1000)[1]).toBeCloseTo((10 * 1000) / FPS, -0.5);
    expect(v.freezes!.totalS).toBeCloseTo(26 / FPS, 2);
    expect(v.repeats).toBe(15 + 9);
  });

  it('time on each layer, switches, frame fates and received kbps as constructed', () => {
    const v = viewerRecord();
    expect(v.timeOnLayerS).toEqual({ q: 1, f: 3, h: 2 });
    expect(v.switches).toBe(2);
    expect(v.switchesPerMinute).toBe(20);
    expect([v.framesReceived, v.framesUndecodable, v.framesSuperseded, v.framesSkipped, v.picturesShown]).toEqual([
      received.length,
      2 + 8,
      2,
      15,
      156,
    ]);
    const bytes = received.slice(2).reduce((n, r) => n + encoded[r.rid][r.source].length, 0);
    expect(v.receivedKbps).toBeCloseTo((bytes * 8) / 1000 / 6, 0);
    expect(v.lossEvidence).toBe('frame-ids');
  });

  it('quality.csv has the viewer row with its freezes and switches; recommend ignores it', async () => {
    const row = readCsv(path.join(run, 'quality.csv')).find((r) => r.rid === `viewer:${VIEWER}`)!;
    expect([row.size, row.view, row.frames, row.dropped, row.freeze_count, row.switches_per_min]).toEqual([
      RENDER,
      'displayed',
      '180',
      '24',
      '2',
      '20',
    ]);
    const rec = await simq(['recommend', run, '--no-save', '--json']);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout).not.toContain('viewer:');
  });

  it('the report has the viewer section, its name escaped', async () => {
    const r = await simq(['report', run]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(path.join(run, 'report.html'), 'utf8');
    expect(html).toContain('<section id="viewers">');
    expect(html).toContain(`viewer v320&lt;i&gt; at ${RENDER}`);
    expect(html).not.toContain('v320<i>');
  });

  it("one picture's VMAF equals libvmaf run directly by ffmpeg on the same decoded and scaled frames (within 0.5)", () => {
    // Tick 50 shows f's frame 80. ffmpeg decodes f's own IVF (frames 70..90: VMAF's motion feature
    // needs the neighbours), scales both sides to the render size with bicubic, and scores them with the model
    // simq recorded using.
    const model = readJson<RunRecord>(path.join(run, 'run.json')).measure!.vmaf.libvmaf!.modelPath!;
    const log = path.join(dir, 'direct-vmaf.json');
    const pick = `select=between(n\\,70\\,90),setpts=N/30/TB,scale=${RENDER.replace('x', ':')}:flags=bicubic,format=yuv420p`;
    execFileSync(FFMPEG, [
      '-v',
      'error',
      '-i',
      path.join(dir, 'f.ivf'),
      '-i',
      y4m,
      '-filter_complex',
      `[0:v]${pick}[d];[1:v]${pick}[r];[d][r]libvmaf=model_path=${model}:log_path=${log}:log_fmt=json`,
      '-f',
      'null',
      '-',
    ]);
    const direct = (JSON.parse(readFileSync(log, 'utf8')) as { frames: { metrics: { vmaf: number } }[] }).frames[10]
      .metrics.vmaf;
    const simqVmaf = Number(viewerPictures()[50].vmaf);
    expect(Math.abs(simqVmaf - direct), `simq ${simqVmaf}, direct ${direct}`).toBeLessThan(0.5);
  });
});
