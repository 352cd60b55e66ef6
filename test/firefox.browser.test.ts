// Firefox as the second browser encoder, end to end on this machine's firefox-esr: `simq analyze
// --browser chromium,firefox` at 640x360 (Firefox: 160x90 / 320x180 / 640x360, so two cores keep the
// frame rate; Chromium sends two streams for that input, 160x90 / 320x180, encoder_stream_factory.cc).
// Expectations come from outside simq: ffmpeg's own decode of each layer file, a brute-force
// full-size pairing search (test/helpers/pairingCheck.ts), and gecko's table as written in
// VideoStreamFactory.cpp (the issue quotes its rows).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import type { MeasureRecord } from '../src/rundir/MeasureTypes.js';
import { runProcess } from '../src/tools/process.js';
import { checkPairing } from './helpers/pairingCheck.js';
import { cameraSample, FFMPEG, readCsv, readJson, SESSION_DIR, simq, type SimqResult } from './helpers/simq.js';

const OUT = path.join(SESSION_DIR, 'firefox-test');
const RUN = path.join(OUT, 'ff');
let result: SimqResult;
let run: RunRecord & { measure?: MeasureRecord };

/** Frame count and sizes of a bitstream, decoded by ffmpeg itself (showinfo prints one line per frame). */
async function decode(file: string): Promise<{ frames: number; sizes: Set<string> }> {
  const r = await runProcess(FFMPEG, [
    '-hide_banner',
    '-nostdin',
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
  return { frames: lines.length, sizes: new Set(lines.map((l) => /\bs:(\d+x\d+)/.exec(l)![1])) };
}

beforeAll(async () => {
  const clip = await cameraSample(4);
  result = await simq(
    [
      'analyze',
      clip,
      '--browser',
      'chromium,firefox',
      '--size',
      '640x360',
      '--scenario',
      'all-layers',
      '--duration',
      '4',
      '--warmup',
      '2',
      '--viewports',
      '640x360',
      '--out',
      OUT,
      '--run-id',
      'ff',
      '--force',
      '--allow-degraded',
      '--json',
    ],
    { timeoutMs: 400_000 },
  );
  expect(result.code, result.stderr).toBe(0);
  run = readJson(path.join(RUN, 'run.json'));
}, 400_000);

const ff = () => run.scenarios.find((s) => s.id === 'all-layers.vp8.firefox')!;

describe('simq analyze --browser chromium,firefox', () => {
  it('records both browsers, the feed Firefox played and the reference decoded from it', () => {
    expect(run.environment.browsers?.map((b) => b.name)).toEqual(['chromium', 'firefox']);
    expect(run.environment.browsers![1].version).toMatch(/^\d+\.\d+/);
    expect(run.scenarios.map((s) => [s.id, s.status])).toEqual([
      ['all-layers.vp8', 'complete'],
      ['all-layers.vp8.firefox', 'complete'],
    ]);
    expect(run.input.feed?.file).toMatch(/\.webm$/);
    expect(run.input.y4m).toMatch(/decoded\.y4m$/);
    expect(existsSync(path.join(RUN, 'report.html'))).toBe(true);
  });

  it('each layer file decodes (ffmpeg) to the tapped count = framesEncoded, at 160x90 / 320x180 / 640x360', async () => {
    const s = ff();
    const sizes: string[] = [];
    for (const layer of s.layers) {
      expect(layer.bitstream, `${layer.rid} has no bitstream`).toBeDefined();
      const rows = readCsv(path.join(RUN, s.id, layer.framesCsv!));
      const decoded = await decode(path.join(RUN, s.id, layer.bitstream!));
      expect(decoded.frames, `${layer.rid} decoded vs ${layer.framesCsv}`).toBe(rows.length);
      expect(Math.abs(rows.length - layer.framesEncoded), `${layer.rid} vs framesEncoded`).toBeLessThanOrEqual(1);
      sizes.push(...decoded.sizes);
      // Two temporal layers per stream (Firefox ignores scalabilityMode).
      expect(new Set(rows.map((r) => r.temporal_index))).toEqual(new Set(['0', '1']));
    }
    expect(sizes).toEqual(['160x90', '320x180', '640x360']);
  });

  it('every measured picture is paired with the source frame a brute-force full-size search finds (+-3 and whole clip)', async () => {
    const checks = await checkPairing(FFMPEG, RUN);
    expect(
      checks
        .filter((c) => c.scenarioId === 'all-layers.vp8.firefox')
        .map((c) => c.rid)
        .sort(),
    ).toEqual(['f', 'h', 'q']);
    for (const c of checks) {
      expect(c.pictures, `${c.rid} measured pictures`).toBeGreaterThan(20);
      expect(c.wrong, `${c.rid}: [frame, simq's source, best source, dB lost]`).toEqual([]);
    }
  });

  it("labels what Firefox does not report: no target, gecko's allocation and tapped-byte bitrates as derived", () => {
    const s = ff();
    const table = Object.fromEntries(s.layers.map((l) => [l.rid, l.derived?.geckoAllocation]));
    // VideoStreamFactory.cpp rows: QCIF and below 40/80/250, WQVGA/CIF 100/150/500, WVGA 150/500/2000.
    expect([table.q?.minKbps, table.q?.startKbps, table.q?.maxKbps]).toEqual([40, 80, 250]);
    expect([table.h?.minKbps, table.h?.startKbps, table.h?.maxKbps]).toEqual([100, 150, 500]);
    expect([table.f?.minKbps, table.f?.startKbps, table.f?.maxKbps]).toEqual([150, 500, 2000]);
    for (const l of s.layers) {
      expect(l.derived?.source).toBe('derived');
      expect(l.steady?.targetKbpsMedian, `${l.rid}: a target Firefox never reported`).toBeUndefined();
      // Bitrate from the tapped frames' bytes: the frames.csv rows in the steady window, summed here.
      const rows = readCsv(path.join(RUN, s.id, l.framesCsv!)).filter(
        (r) => Number(r.time_s) >= l.steady!.fromS && Number(r.time_s) <= l.steady!.toS,
      );
      const kbps = (rows.reduce((sum, r) => sum + Number(r.bytes), 0) * 8) / l.steady!.seconds / 1000;
      expect(l.derived!.bitrateFromFramesKbps!).toBeCloseTo(kbps, 0);
      // Near Firefox's own bytesSent rate; not equal: frames still in the pacer's queue at the window's
      // ends (a ramping f layer held 15% of a 2 s window's bytes) are tapped but not yet sent.
      expect(Math.abs(l.derived!.bitrateFromFramesKbps! - l.steady!.actualKbpsMean!)).toBeLessThanOrEqual(
        l.steady!.actualKbpsMean! * 0.25,
      );
    }
    expect(s.model, 'no libwebrtc model comparison for Firefox').toBeUndefined();
    const quality = readCsv(path.join(RUN, 'quality.csv'));
    expect(new Set(quality.map((r) => `${r.scenario_id} ${r.browser}`))).toEqual(
      new Set(['all-layers.vp8 chromium', 'all-layers.vp8.firefox firefox']),
    );
    expect(quality.filter((r) => r.browser === 'firefox').every((r) => r.target_kbps === '')).toBe(true);
    expect(quality.filter((r) => r.browser === 'chromium').every((r) => r.target_kbps !== '')).toBe(true);
    expect(run.scenarios[0].layers.every((l) => l.derived === undefined)).toBe(true);
  });

  it('puts the same layer and viewer size of both browsers side by side, and says what to set in Firefox', () => {
    const json = JSON.parse(result.stdout) as {
      browsers: {
        sideBySide: {
          scenario: string;
          rid: string;
          size: string;
          chromium?: { kbpsSource: string };
          firefox?: { kbpsSource: string };
        }[];
        firefoxAdvice: string[];
      };
    };
    const h = json.browsers.sideBySide.find(
      (r) => r.scenario === 'all-layers.vp8' && r.rid === 'h' && r.size === '320x180',
    )!;
    expect(h.chromium?.kbpsSource).toBe('target');
    expect(h.firefox?.kbpsSource).toBe('sent');
    expect(json.browsers.firefoxAdvice.some((a) => /f \(640x360, top\).*max 2000 kbps/.test(a))).toBe(true);
    const html = readFileSync(path.join(RUN, 'report.html'), 'utf8');
    expect(html).toContain('Chromium and Firefox side by side');
  });

  it('measures the feed level shift of every full-size layer (Chromium sends none at 640x360)', () => {
    const shift = run.measure?.feedShift ?? [];
    expect(shift.map((x) => [x.scenarioId, x.rid, x.browser])).toEqual([['all-layers.vp8.firefox', 'f', 'firefox']]);
    for (const s of shift) {
      expect(s.frames).toBeGreaterThan(20);
      // Whole code values at most: a larger shift would be a colour-conversion fault, not coding noise.
      for (const v of Object.values(s.meanDiff)) expect(Math.abs(v)).toBeLessThan(2);
    }
  });
});
