// Frame alignment on a real capture, recorded (test/fixtures/capture-run: Chromium's VP8 layers at
// 160x90, 320x180 and 640x360 of the camera sample, with their rtpTimestamps; no browser): simq
// measure pairs every shown picture with a source frame, and an independent brute-force search
// (test/helpers/pairingCheck.ts: ffmpeg's own scaler, +-3 neighbours and the whole clip, luma PSNR)
// must find the same frame, or one within 0.5 dB of it (static content ties), for every picture.
// The synthetic constructions with a known answer are in alignment.cli.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { copyCaptureFixture } from './helpers/captureFixture.js';
import { checkPairing, type PairingCheck } from './helpers/pairingCheck.js';
import { FFMPEG, readJson, simq, type SimqResult } from './helpers/simq.js';

let dir: string;
let run: string;
let measure: SimqResult;
let checks: PairingCheck[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-fixture-alignment-'));
  run = copyCaptureFixture(path.join(dir, 'run'));
  measure = await simq(['measure', run, '--vmaf-backend', 'none', '--viewports', '640x360', '--quiet']);
  checks = await checkPairing(FFMPEG, run);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('alignment on the recorded capture', () => {
  it('measures every layer of both scenarios, none doubtful', () => {
    expect(measure.code, measure.stderr).toBe(0);
    const record = readJson<RunRecord>(path.join(run, 'run.json'));
    expect(record.measure!.layers.map((l) => `${l.scenarioId} ${l.rid} ${l.status}`).sort()).toEqual([
      'all-layers.vp8 f measured',
      'all-layers.vp8 h measured',
      'all-layers.vp8 q measured',
      'top-off.vp8 h measured',
      'top-off.vp8 q measured',
    ]);
    for (const l of record.measure!.layers)
      expect(l.pairing?.doubtful ?? false, `${l.scenarioId} ${l.rid}`).toBe(false);
  });

  it('every shown picture is paired with the source frame an independent full-size search finds', () => {
    expect(checks.map((c) => `${c.scenarioId} ${c.rid}`).sort()).toEqual([
      'all-layers.vp8 f',
      'all-layers.vp8 h',
      'all-layers.vp8 q',
      'top-off.vp8 h',
      'top-off.vp8 q',
    ]);
    const layers = readJson<RunRecord>(path.join(run, 'run.json')).measure!.layers;
    for (const c of checks) {
      const label = `${c.scenarioId} ${c.rid}`;
      // A steady window of at least a second at 30 fps.
      expect(c.pictures, label).toBeGreaterThanOrEqual(30);
      expect(layers.find((l) => l.scenarioId === c.scenarioId && l.rid === c.rid)!.pairing?.pictures, label).toBe(
        c.pictures,
      );
      expect(c.wrong, label).toEqual([]);
      expect(c.right, label).toBe(c.pictures);
    }
  });
});
