// The capture stage against the real Chromium and ffmpeg.
// Expected targets come from libwebrtc's default tables and the maxBitrate rule
// (video/config/simulcast.cc, encoder_stream_factory.cc), never from simq's own output. Bitstreams are checked with a direct ffmpeg run.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { runProcess } from '../src/tools/process.js';
import { cameraSample, FFMPEG, readCsv, readJson, SESSION_DIR, simq } from './helpers/simq.js';
import { DEFAULT_CALIBRATION } from '../src/allocation/Calibration.js';
import { packetOverheadRate } from '../src/allocation/EncoderTarget.js';
import { expectSteadyMaxWithinModel } from './helpers/allocatorCheck.js';

// video/config/simulcast.cc, default tables (kbps) for 320x180 / 640x360 / 1280x720.
const VP8_H264_TARGETS = { q: 150, h: 500, f: 2500 };
const VP9_AV1_TARGETS = { q: 142, h: 420, f: 1524 };
// The same tables' rows for a 960x540 input, the size a CPU-adapting encoder (OpenH264 on a starved
// runner) scales the 1280x720 camera to: libwebrtc recomputes the streams from the adapted frame size
// (encoder_stream_factory.cc CreateEncoderStreams). 240x135 is below the smallest VP8 row, held at
// 320x180's values (LowresSimulcastBitrateInterpolation off); 480x270 and 960x540 are rows of their
// own, and the top layer gets its max (960x540: max = target). A capture of the camera sample at
// --size 960x540 measured exactly these, for VP8 and H.264.
const ADAPTED_540 = {
  vp8: { q: 150, h: 350, f: 1200 },
  vp9: { q: 101, h: 257, f: 879 },
};
type Targets = { q: number; h: number; f: number };
// The top layer gets its max: 640x360 max is 700 in the VP8 table.
const TOP_OFF_H = 700;
// maxBitrate 1000 kbps on h: target = max(table target 500, 3/4 x 1000).
const BOOST_MID_H = 0.75 * 1000;
const SIZES = { q: [320, 180], h: [640, 360], f: [1280, 720] } as const;
const SIZES_540 = { q: [240, 135], h: [480, 270], f: [960, 540] } as const;

/**
 * The table row that applies to a capture: the 1280x720 row, or the 960x540 row when the encoder's
 * CPU adaptation scaled the input there for the whole steady window (f steady at 960x540).
 */
function tableFor(codec: string, run: RunRecord) {
  const f = steadyTarget(run, `all-layers.${codec}`, 'f');
  const family = codec === 'vp9' || codec === 'av1' ? 'vp9' : 'vp8';
  if (f.width === SIZES_540.f[0] && f.height === SIZES_540.f[1]) {
    return { targets: ADAPTED_540[family] as Targets, sizes: SIZES_540, row: '960x540 (CPU-adapted input)' };
  }
  return { targets: (family === 'vp9' ? VP9_AV1_TARGETS : VP8_H264_TARGETS) as Targets, sizes: SIZES, row: '1280x720' };
}

const OUT = path.join(SESSION_DIR, 'capture-test');
let codecRun: RunRecord;
let codecDir: string;
let presetRun: RunRecord;

/** Frame count and sizes of a bitstream, decoded by ffmpeg itself (showinfo prints one line per frame). */
async function decode(file: string): Promise<{ frames: number; sizes: Set<string> }> {
  const demuxer = file.endsWith('.h264') ? ['-f', 'h264'] : [];
  const r = await runProcess(FFMPEG, [
    '-hide_banner',
    '-nostdin',
    ...demuxer,
    '-i',
    file,
    '-vsync',
    'passthrough',
    '-vf',
    'showinfo',
    '-f',
    'null',
    '-',
  ]);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stderr.split('\n').filter((l) => /Parsed_showinfo.*\bn:\s*\d+/.test(l));
  const sizes = new Set(lines.map((l) => /\bs:(\d+x\d+)/.exec(l)![1]));
  return { frames: lines.length, sizes };
}

// The steady maximum is the allocator's value unless every sample of the window fell in one of the
// encoder bitrate adjuster's dips (video/encoder_bitrate_adjuster.cc), which on a shared CI runner
// happens: 149.7 for 150 was seen; a capture whose steady window held some layer below it throughout
// is captured once more (dipsOnly). 3% keeps the codec tables apart (VP8/H.264 q 150 vs VP9/AV1 142,
// h 500 vs 420, f 2500 vs 1524) and any rule the model gets wrong by more.
const ALLOCATOR_TOLERANCE = 0.03;
function expectAllocatorValue(measured: number | undefined, expected: number, label: string) {
  expect(measured, label).toBeDefined();
  expect(
    Math.abs(measured! - expected) / expected,
    `${label}: measured ${measured}, libwebrtc ${expected}`,
  ).toBeLessThanOrEqual(ALLOCATOR_TOLERANCE);
}

/**
 * Why the codec's all-layers capture cannot test libwebrtc's table, or undefined when it can.
 * - The steady bandwidth estimate leaves the encoder less than its layers' table targets. The
 *   encoder gets the estimate minus packet overhead (rtp_video_sender.cc CalculateOverheadRate);
 *   VP8's estimate settles near the layers' max sum (3.4 Mbps), just above the 3150 kbps of targets.
 * - The table is per input size: a capture the browser scaled for CPU to a size with no row here
 *   (only 1280x720 and 960x540 are written down) cannot be checked against one.
 */
function tableUntestable(run: RunRecord, codec: string): string | undefined {
  const scenarioId = `all-layers.${codec}`;
  const f = steadyTarget(run, scenarioId, 'f');
  const known = [SIZES.f, SIZES_540.f].some(([w, h]) => f.width === w && f.height === h);
  if (!known)
    return `${scenarioId}: f sent at ${f.width}x${f.height} (CPU adaptation), a size with no table row in this test`;
  const { targets, row } = tableFor(codec, run);
  const neededKbps = targets.q + targets.h + targets.f;
  const s = run.scenarios.find((x) => x.id === scenarioId)!;
  const estimate = s.layers.find((l) => l.steady?.availableOutgoingKbpsMedian !== undefined)?.steady
    ?.availableOutgoingKbpsMedian;
  const forEncoder =
    estimate === undefined ? undefined : estimate - packetOverheadRate(estimate * 1000, DEFAULT_CALIBRATION) / 1000;
  if (forEncoder !== undefined && forEncoder < neededKbps * 0.98) {
    return `${scenarioId}: bandwidth estimate ${estimate} kbps leaves the encoder ${forEncoder.toFixed(0)} kbps, below the ${neededKbps} kbps the ${row} row needs`;
  }
  return undefined;
}

/**
 * Why the capture shows only the adjuster's dips for some layer, or undefined when every layer's
 * steady maximum reached its table value (within the tolerance) or went above it. The adjuster only
 * lowers a layer's target, and only after the encoder overshot: with VP9's layer maxes equal to its
 * targets the loopback estimate leaves little headroom, and a CPU-starved CI run held h at 406.3 of
 * 420 for all six steady seconds. A value above the table is never a dip, so it is not excused.
 */
function dipsOnly(run: RunRecord, codec: string): string | undefined {
  const { targets, row } = tableFor(codec, run);
  const low = (['q', 'h', 'f'] as const).flatMap((rid) => {
    const max = steadyTarget(run, `all-layers.${codec}`, rid).targetKbpsMax;
    return max !== undefined && max < targets[rid] * (1 - ALLOCATOR_TOLERANCE)
      ? [`${rid} ${max} of ${targets[rid]}`]
      : [];
  });
  return low.length
    ? `all-layers.${codec}: every steady sample below the ${row} row (${low.join(', ')} kbps), the encoder bitrate adjuster's dips only`
    : undefined;
}

/**
 * The codec's all-layers capture that can test the table: the shared one, else one more capture in a
 * fresh browser. When neither can, the reason is printed; under CI=true the test fails with it, so a
 * busy runner cannot make the check stop checking without anyone seeing it.
 */
async function tableCapture(codec: string): Promise<{ run: RunRecord; untestable?: string }> {
  const id = `all-layers.${codec}`;
  // Dips only: captured once more, and the second capture is checked as it is (no third chance).
  const first = tableUntestable(codecRun, codec) ?? dipsOnly(codecRun, codec);
  if (!first) return { run: codecRun };
  console.warn(`${first}; not a test of the table, capturing ${id} again in a fresh browser`);
  const r = await simq([
    'capture',
    await cameraSample(),
    '--codec',
    codec,
    '--duration',
    '8',
    '--warmup',
    '2',
    '--out',
    OUT,
    '--run-id',
    `table-${codec}`,
    '--force',
    '--allow-degraded',
    '--quiet',
  ]);
  expect(r.code, r.stderr).toBe(0);
  const run = readJson<RunRecord>(path.join(OUT, `table-${codec}`, 'run.json'));
  const second = tableUntestable(run, codec);
  return { run, untestable: second && `twice not a test of libwebrtc's table: ${first}; then ${second}` };
}

function steadyTarget(run: RunRecord, scenarioId: string, rid: string) {
  const s = run.scenarios.find((x) => x.id === scenarioId)!;
  const l = s.layers.find((x) => x.rid === rid)!;
  return l.steady!;
}

beforeAll(async () => {
  const clip = await cameraSample();
  // VP9 and AV1 drop frames on a 2-core machine (encoder rate control), which the validity guard
  // flags; the allocation numbers this test checks do not depend on it. Six steady seconds: the
  // encoder bitrate adjuster dips a layer's target for a second or two after an overshoot, and the
  // allocator's own value must show at least once in the window (three seconds were sometimes all dips).
  const a = await simq([
    'capture',
    clip,
    '--codec',
    'vp8,h264,vp9,av1',
    '--duration',
    '8',
    '--warmup',
    '2',
    '--out',
    OUT,
    '--run-id',
    'codecs',
    '--force',
    '--allow-degraded',
    '--json',
  ]);
  expect(a.code, a.stderr).toBe(0);
  codecDir = path.join(OUT, 'codecs');
  codecRun = readJson<RunRecord>(path.join(codecDir, 'run.json'));
  const b = await simq([
    'capture',
    clip,
    '--scenario',
    'top-off,boost-mid',
    '--duration',
    '8',
    '--warmup',
    '2',
    '--out',
    OUT,
    '--run-id',
    'presets',
    '--force',
    '--allow-degraded',
  ]);
  expect(b.code, b.stderr).toBe(0);
  presetRun = readJson<RunRecord>(path.join(OUT, 'presets', 'run.json'));
}, 400_000);

describe("steady-state targetBitrate equals libwebrtc's allocation", () => {
  for (const [codec, table] of [
    ['vp8', VP8_H264_TARGETS],
    ['h264', VP8_H264_TARGETS],
    ['vp9', VP9_AV1_TARGETS],
    ['av1', VP9_AV1_TARGETS],
  ] as const) {
    it(`${codec} all-layers: ${table.q} / ${table.h} / ${table.f} kbps (or its 960x540 row when CPU-adapted)`, async (ctx) => {
      // The table holds only while the bandwidth estimate covers every layer. On a CPU-starved
      // runner the loopback's delay-based estimate fell to 1741 kbps once (VP9, 2086 wanted), and the
      // allocator then shares the estimate, not the table: that capture cannot test the table.
      const { run, untestable } = await tableCapture(codec);
      if (untestable) {
        if (process.env.CI === 'true') expect.fail(untestable);
        console.warn(`SKIPPED (set CI=true to fail instead): ${untestable}`);
        return ctx.skip();
      }
      // OpenH264 scaled the camera to 960x540 for CPU on a starved runner, twice in a row: its
      // layers then follow the 960x540 row, which is as much libwebrtc's table as the 720p one.
      const { targets, sizes, row } = tableFor(codec, run);
      if (row !== '1280x720') console.warn(`${codec}: checked against the table's ${row} row`);
      for (const rid of ['q', 'h', 'f'] as const) {
        const steady = steadyTarget(run, `all-layers.${codec}`, rid);
        // The allocator's value is the steady maximum; samples below it are the encoder bitrate
        // adjuster's short dips after an overshoot (video/encoder_bitrate_adjuster.cc).
        expectAllocatorValue(steady.targetKbpsMax, targets[rid], `${codec} ${rid} (${row})`);
        // The median shows how long it held. The adjuster dips more, and longer, when the encoder
        // drops frames for CPU: a CPU-degraded VP9 capture here held f at a median 1299 of 1524.
        const scenario = run.scenarios.find((x) => x.id === `all-layers.${codec}`)!;
        const medianTolerance = scenario.status === 'degraded' ? 0.2 : 0.1;
        expect(
          Math.abs(steady.targetKbpsMedian! - targets[rid]) / targets[rid],
          `${codec} ${rid} median (${scenario.status}, ${row})`,
        ).toBeLessThan(medianTolerance);
        expect([steady.width, steady.height]).toEqual([...sizes[rid]]);
      }
    }, 240_000);
  }

  it(`top-off: h is the top layer and gets its max, ${TOP_OFF_H} kbps; f sends nothing`, () => {
    expectAllocatorValue(steadyTarget(presetRun, 'top-off.vp8', 'h').targetKbpsMax, TOP_OFF_H, 'top-off h');
    const f = presetRun.scenarios.find((s) => s.id === 'top-off.vp8')!.layers.find((l) => l.rid === 'f')!;
    expect(f.framesEncoded).toBe(0);
    expect(f.bitstream).toBeUndefined();
  });

  it(`boost-mid: h maxBitrate 1000 kbps gives h a target of ${BOOST_MID_H} kbps`, () => {
    expectAllocatorValue(steadyTarget(presetRun, 'boost-mid.vp8', 'h').targetKbpsMax, BOOST_MID_H, 'boost-mid h');
  });
});

describe('every layer bitstream is exactly what the browser encoded', () => {
  for (const codec of ['vp8', 'h264', 'vp9', 'av1']) {
    it(`${codec}: each file decodes to the captured count = framesEncoded, at the layer's size`, async () => {
      const scenario = codecRun.scenarios.find((s) => s.id === `all-layers.${codec}`)!;
      let checked = 0;
      for (const layer of scenario.layers) {
        // A layer the browser never sent has no file (f under a low bandwidth estimate: seen in a CI
        // run, H.264 at 611 kbps): then it must have encoded nothing, and the other layers are checked.
        if (!layer.bitstream) {
          console.warn(
            `${codec} ${layer.rid}: not sent in this capture (no bitstream), framesEncoded ${layer.framesEncoded ?? 0}`,
          );
          expect(layer.framesEncoded ?? 0, `${codec} ${layer.rid} has no bitstream but encoded frames`).toBe(0);
          expect(layer.framesCaptured ?? 0).toBe(0);
          continue;
        }
        checked++;
        const file = path.join(codecDir, scenario.id, layer.bitstream);
        expect(path.extname(file)).toBe(codec === 'h264' ? '.h264' : '.ivf');
        const rows = readCsv(path.join(codecDir, scenario.id, layer.framesCsv!));
        const decoded = await decode(file);
        expect(decoded.frames, `${codec} ${layer.rid} decoded vs <rid>.frames.csv`).toBe(rows.length);
        expect(layer.framesCaptured).toBe(rows.length);
        // framesEncoded is the browser's own counter (outbound-rtp), read after the encoder drained.
        expect(
          Math.abs(rows.length - layer.framesEncoded),
          `${codec} ${layer.rid} vs framesEncoded`,
        ).toBeLessThanOrEqual(1);
        // The sizes the layer was sent at: the configured one, or the browser's own when its CPU
        // adaptation scaled the input (OpenH264 went to 960x540 on a starved runner; under load a q
        // went from 320x180 to 240x135 mid-capture). Each decoded size is one outbound-rtp reported,
        // H.264 rounded down to even sizes (4:2:0 crops by 2: 240x135 is coded as 240x134).
        const even = (n: number) => (codec === 'h264' ? n - (n % 2) : n);
        const reported = new Set(
          readCsv(path.join(codecDir, scenario.id, 'stats.csv'))
            .filter((r) => r.rid === layer.rid && Number(r.frames_encoded) > 0 && r.width)
            .map((r) => `${even(Number(r.width))}x${even(Number(r.height))}`),
        );
        reported.add(`${even(layer.configured.width)}x${even(layer.configured.height)}`);
        expect(decoded.sizes.size, `${codec} ${layer.rid}`).toBeGreaterThan(0);
        for (const size of decoded.sizes) expect(reported, `${codec} ${layer.rid} decoded at ${size}`).toContain(size);
        expect(decoded.sizes).toContain(`${even(layer.steady!.width!)}x${even(layer.steady!.height!)}`);
        // Within a layer, RTP timestamps only move forward (the camera timer jitters, so no exact step).
        const ts = rows.map((r) => Number(r.rtp_timestamp));
        const steps = ts.slice(1).map((t, i) => ((t - ts[i]) >>> 0) / 3000);
        expect(Math.min(...steps)).toBeGreaterThan(0);
      }
      expect(checked, `${codec}: no layer was sent`).toBeGreaterThan(0);
    });
  }
});

describe('run directory', () => {
  it('records versions, settings and the warm-up, and writes stats.csv per second per layer', () => {
    expect(codecRun.environment.browser.version).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(codecRun.environment.ffmpeg.version).toBeTruthy();
    const vp8 = codecRun.scenarios.find((s) => s.id === 'all-layers.vp8')!;
    expect(vp8.encoderImplementation).toBe('libvpx');
    expect(vp8.scenario.warmupS).toBe(2);
    const stats = readCsv(path.join(codecDir, 'all-layers.vp8', 'stats.csv'));
    const seconds = new Set(stats.map((r) => r.second));
    expect(seconds.size).toBeGreaterThanOrEqual(4);
    for (const rid of ['q', 'h', 'f']) expect(stats.filter((r) => r.rid === rid).length).toBe(seconds.size);
    expect(stats.some((r) => r.warmup === '1') && stats.some((r) => r.warmup === '0')).toBe(true);
    for (const r of stats) expect(Number(r.available_outgoing_kbps)).toBeGreaterThan(0);
    const av1 = codecRun.scenarios.find((s) => s.id === 'all-layers.av1')!;
    expect(av1.layers.every((l) => l.scalabilityMode === 'L1T3')).toBe(true);
  });

  it('compares every layer with the allocation model', () => {
    for (const s of [...codecRun.scenarios, ...presetRun.scenarios]) {
      // A capture whose estimate left the encoder less than the table's targets tests the allocator's
      // sharing, not the model's table: printed and passed over, as before.
      const why = s.id.startsWith('all-layers.') ? tableUntestable(codecRun, s.id.split('.')[1]) : undefined;
      if (why?.includes('bandwidth estimate')) {
        console.warn(`model comparison passed over: ${why}`);
        continue;
      }
      expect(s.model?.activeSetMatches, s.id).toBe(true);
      expectSteadyMaxWithinModel(s);
    }
  });

  it('no temporary files are left behind', () => {
    for (const s of codecRun.scenarios) {
      const dir = path.join(codecDir, s.id);
      for (const l of s.layers)
        expect(existsSync(path.join(dir, `.ssrc-${l.ssrc}.${l.bitstream?.split('.')[1]}.part`))).toBe(false);
    }
  });
});
