// VP9 SVC through a real Janus and real Chromium: the sender publishes one VP9 L3T3_KEY encoding from a
// 1280x720 input; two viewers ask Janus for different spatial layers with the Janus SVC export's own
// configure body (janusSvcConfigure: { request: 'configure', spatial_layer, temporal_layer } + mid),
// through the viewer policy svc:S<n>T<t>.
//
// Expected sizes by construction, not from simq: libwebrtc's svc_config.cc gives 3 spatial layers of a
// 1280x720 input at input/4, input/2 and input (320x180, 640x360, 1280x720), layer 0 the smallest.
// What each viewer received is read from sources simq did not write: its bitstream decoded by ffmpeg's
// libvpx-vp9 (every received layer frame is a picture of its own size) and its inbound-rtp
// frameWidth/frameHeight (what the viewer's decoder output).
//
// Janus 1.1.2 (Debian's, the one here) does NOT forward VP9 SVC layers per subscriber: it never marks a
// WebRTC publisher's stream as SVC. `ps->svc` is set only for remote publishers (janus_videoroom.c of
// v1.1.2, the two `ps->svc = json_is_true(...)` lines); the room's video_svc is read but nothing
// turns it into ps->svc for a local publisher, so janus_videoroom_incoming_rtp never parses the VP9
// layers (`if(video && ps->svc)`) and the relay forwards every packet to every subscriber, ignoring
// spatial_layer / temporal_layer. Fixed upstream by commit cfb1c54e "Fixed broken VP9-SVC demo (fixes
// #3169)" (2023-02-24: `if(ps->vcodec == JANUS_VIDEOCODEC_VP9 && videoroom->do_svc) ps->svc = TRUE;`),
// first released in v1.1.3. So this test checks, on Janus < 1.1.3, that what the viewers get is
// the whole stream (every spatial layer; their decoders output the top layer) whatever they ask, and,
// on Janus >= 1.1.3, that each viewer gets its spatial layer's size. The configure bodies, the room's
// video_svc and the viewers' bookkeeping are checked on both.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janusSvcConfigure } from '../src/recommend/exports/janusSvc.js';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { cameraSample, FFMPEG, readJson, simq } from './helpers/simq.js';

const INPUT = { width: 1280, height: 720 };
/** svc_config.cc: spatial layer k of 3 is the input scaled by 1/2^(2-k). */
const layerSize = (k: number) => `${INPUT.width >> (2 - k)}x${INPUT.height >> (2 - k)}`;
const VIEWERS = [
  { name: 'v1-320x180-svc-S0T2', spatial: 0, temporal: 2 },
  { name: 'v2-640x360-svc-S1T2', spatial: 1, temporal: 2 },
] as const;
/** The first Janus release that forwards VP9 SVC layers of a WebRTC publisher (commit cfb1c54e). */
const FIRST_FIXED = [1, 1, 3];

const rows = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];

/** Every picture libvpx-vp9 decodes from a file, by size (ffmpeg showinfo; independent of simq). */
function decodedSizes(file: string): Map<string, number> {
  const r = spawnSync(
    FFMPEG,
    ['-hide_banner', '-nostats', '-c:v', 'libvpx-vp9', '-i', file, '-vf', 'showinfo', '-f', 'null', '-'],
    { encoding: 'utf8' },
  );
  const out = new Map<string, number>();
  for (const m of r.stderr.matchAll(/\bs:(\d+x\d+)\b/g)) out.set(m[1], (out.get(m[1]) ?? 0) + 1);
  return out;
}

/** `janus --version` prints "Janus version: 1102 (1.1.2)" and exits non-zero: read its output. */
function janusVersion(): number[] {
  return /\((\d+)\.(\d+)\.(\d+)\)/
    .exec(spawnSync('janus', ['--version'], { encoding: 'utf8' }).stdout)!
    .slice(1)
    .map(Number);
}
const atLeast = (v: number[], w: number[]) =>
  v[0] !== w[0] ? v[0] > w[0] : v[1] !== w[1] ? v[1] > w[1] : v[2] >= w[2];

let dir: string;
let run: RunRecord;
let scenarioDir: string;
let result: Awaited<ReturnType<typeof simq>>;
const forwardsLayers = atLeast(janusVersion(), FIRST_FIXED);

/** One capture through Janus with the two viewers; the run's record. */
async function capture(clip: string, runId: string): Promise<RunRecord> {
  // 15 fps: one 1280x720 VP9 SVC publisher and two decoding viewers share this 2-core machine.
  result = await simq(
    [
      'capture',
      clip,
      '--size',
      '1280x720',
      '--fps',
      '15',
      '--duration',
      '10',
      '--warmup',
      '2',
      '--scenario',
      'svc-l3t3-key',
      '--codec',
      'vp9',
      '--sfu',
      'janus',
      '--viewers',
      VIEWERS.map((v) => `${layerSize(v.spatial)}:svc:S${v.spatial}T${v.temporal}`).join(','),
      '--out',
      dir,
      '--run-id',
      runId,
      '--allow-degraded',
    ],
    { timeoutMs: 400_000 },
  );
  const record = readJson<RunRecord>(path.join(dir, runId, 'run.json'));
  scenarioDir = path.join(dir, runId, record.scenarios[0].id);
  return record;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-janus-svc-'));
  const clip = await cameraSample();
  run = await capture(clip, 'svc');
  // The viewer checks need the sender to have sent the three spatial layers. On a busy machine the
  // encoder once sent fewer (the capture names it: svc.honoured false, a problem of kind svc-mode): such
  // a capture is made once more, saying why; the checks below then fail on the second if it happens again.
  const svc = run.scenarios[0]?.layers.find((l) => l.svc)?.svc;
  if (!svc?.honoured) {
    console.warn(
      `the sender did not send the L3T3_KEY layers (${svc?.problem ?? 'no SVC record'}); capturing once more`,
    );
    run = await capture(clip, 'svc-again');
  }
}, 900_000);
afterAll(() => {
  if (process.env.SIMQ_KEEP_TEST_DIR) console.log(`kept ${dir}`);
  else execFileSync('rm', ['-rf', dir]);
});

describe('VP9 L3T3_KEY through a real Janus, two viewers asking for different spatial layers', () => {
  it('runs; the sender sent the three spatial layers svc_config.cc gives 1280x720; the room has video_svc', () => {
    expect(result.code === 0 || result.code === 4, result.stderr).toBe(true);
    const entry = run.scenarios[0];
    expect(entry.sfu?.room).toMatchObject({ videocodec: 'vp9', videoSvc: true });
    const svc = entry.layers.find((l) => l.svc)!.svc!;
    expect(svc.honoured).toBe(true);
    expect(svc.spatialLayersSeen.map((s) => s.sizes)).toEqual([0, 1, 2].map((k) => [layerSize(k)]));
    expect(entry.viewers!.map((v) => v.name)).toEqual(VIEWERS.map((v) => v.name));
  });

  for (const v of VIEWERS) {
    it(`${v.name}: sent the SVC export's configure body (+ mid), and its frames are recorded as asking for f-S${v.spatial}`, () => {
      const events = rows(path.join(scenarioDir, 'viewers', `${v.name}.events.csv`));
      const asked = events.filter((e) => e.source === 'simq' && e.kind === 'configure');
      expect(asked).toHaveLength(1);
      const body = JSON.parse(/^(\{.*\})/.exec(asked[0].detail)![1]);
      expect(body).toEqual({ ...janusSvcConfigure(v.spatial, v.temporal), mid: expect.any(String) });
      expect(body).toMatchObject({ request: 'configure', spatial_layer: v.spatial, temporal_layer: v.temporal });
      const frames = rows(path.join(scenarioDir, 'viewers', `${v.name}.frames.csv`));
      expect(frames.length).toBeGreaterThan(50);
      expect(new Set(frames.map((f) => f.requested_rid))).toEqual(new Set([`f-S${v.spatial}`]));
    });

    it(
      forwardsLayers
        ? `${v.name}: receives spatial layers up to ${v.spatial} only; its decoder outputs ${layerSize(v.spatial)}`
        : `${v.name}: Janus < 1.1.3 ignores spatial_layer (ps->svc never set for a WebRTC publisher): it receives every spatial layer and its decoder outputs the top one, ${layerSize(2)}`,
      () => {
        const decoded = decodedSizes(path.join(scenarioDir, 'viewers', `${v.name}.ivf`));
        const stats = rows(path.join(scenarioDir, 'viewers', `${v.name}.stats.csv`)).filter((s) => s.frameWidth !== '');
        const last = stats.slice(-3).map((s) => `${s.frameWidth}x${s.frameHeight}`);
        expect(last.length).toBe(3);
        if (forwardsLayers) {
          // Layers above the asked one never arrive; the decoder outputs the asked layer's size.
          for (let k = v.spatial + 1; k < 3; k++)
            expect(decoded.get(layerSize(k)) ?? 0, `${layerSize(k)} pictures`).toBe(0);
          expect(decoded.get(layerSize(v.spatial)) ?? 0).toBeGreaterThan(50);
          expect(new Set(last)).toEqual(new Set([layerSize(v.spatial)]));
        } else {
          // Every layer, the top one included, reaches a viewer that asked for a lower one.
          for (let k = 0; k < 3; k++)
            expect(decoded.get(layerSize(k)) ?? 0, `${layerSize(k)} pictures`).toBeGreaterThan(50);
          expect(new Set(last)).toEqual(new Set([layerSize(2)]));
        }
      },
    );
  }
});
