// Browser test (run under the browser lock): a 640x360 camera with the all-layers preset. libwebrtc
// sends fewer streams than encodings for a small input (encoder_stream_factory.cc); `simq plan` must
// predict which ones and at what size, and the capture's validity guard must not blame the CPU.
// The truth is the browser's outbound-rtp (stats.csv): which streams carried frames, at what size.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlanDocument } from '../src/commands/planReport.js';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { cameraSample, readCsv, readJson, SESSION_DIR, simq } from './helpers/simq.js';

describe('640x360 input, all-layers (VP8)', () => {
  it('simq plan predicts the streams the browser sends and their sizes; the guard notes, not fails', async () => {
    const clip = await cameraSample();
    const out = path.join(SESSION_DIR, 'small-input');
    const r = await simq([
      'capture',
      clip,
      '--size',
      '640x360',
      '--scenario',
      'all-layers',
      '--codec',
      'vp8',
      '--duration',
      '5',
      '--warmup',
      '2',
      '--out',
      out,
      '--run-id',
      'small',
      '--force',
      '--allow-degraded',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);

    // What the browser sent: per rid, the largest frame size outbound-rtp reported once frames flowed.
    const stats = readCsv(path.join(out, 'small', 'all-layers.vp8', 'stats.csv'));
    const sent = new Map<string, string>();
    for (const row of stats) {
      if (Number(row.frames_encoded) > 0 && row.width) sent.set(row.rid, `${row.width}x${row.height}`);
    }
    const browser = [...sent.entries()].sort(([a], [b]) => a.localeCompare(b));

    const plan = await simq(['plan', '--size', '640x360', '--scenario', 'all-layers', '--codec', 'vp8', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const doc = JSON.parse(plan.stdout) as PlanDocument;
    const predicted = doc.plans[0].allocations[0].layers
      .filter((l) => l.state === 'on')
      .map((l) => [l.rid, `${l.width}x${l.height}`] as [string, string])
      .sort(([a], [b]) => a.localeCompare(b));

    expect(browser.length).toBeLessThan(3);
    expect(predicted).toEqual(browser);

    // The layer that is not sent is a note with the libwebrtc reason, never a validity problem.
    const run = readJson<RunRecord>(path.join(out, 'small', 'run.json'));
    const entry = run.scenarios[0];
    const notSent = ['q', 'h', 'f'].filter((rid) => !sent.has(rid));
    for (const rid of notSent) {
      expect(
        entry.problems.filter((p) => p.rid === rid),
        JSON.stringify(entry.problems),
      ).toEqual([]);
      expect(entry.notes ?? []).toContain(
        `${rid}: not sent: libwebrtc sends ${browser.length} streams for a 640x360 input (encoder_stream_factory.cc)`,
      );
    }
    expect(entry.model?.activeSetMatches).toBe(true);
  }, 240_000);
});
