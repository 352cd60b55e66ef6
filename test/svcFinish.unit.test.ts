// The end of an SVC capture on a tap built by hand: a stream sent as asked is cut into one layer per
// spatial operating point (files, frames table, rate); a stream the browser sent in another mode is
// named (what was asked, what came) and nothing is cut from it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finishSvc, type SvcTap } from '../src/capture/svcFinish.js';
import { checkScenario } from '../src/capture/validity.js';
import type { LayerRecord } from '../src/rundir/RunTypes.js';
import type { Scenario } from '../src/scenario/ScenarioTypes.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'simq-svcfinish-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario: Scenario = {
  id: 'svc.vp9',
  name: 'svc',
  codec: 'vp9',
  encodings: [{ rid: 'f', scaleResolutionDownBy: 1, active: true, scalabilityMode: 'L3T3_KEY' }],
  durationS: 2,
  warmupS: 0,
  contentHint: '',
};
const SIZES = [
  [320, 180],
  [640, 360],
  [1280, 720],
];

/** 30 pictures of three K-SVC layers, 100 / 200 / 400 bytes per frame, one second. */
function tap(spatial = 3, sizes = SIZES): SvcTap {
  const t: SvcTap = { frames: [], data: [] };
  let id = 1;
  for (let p = 0; p < 30; p++) {
    for (let s = 0; s < spatial; s++) {
      const deps = p === 0 ? (s === 0 ? [] : [id - 1]) : [id - spatial];
      t.frames.push({
        rtpTimestamp: 3000 * p,
        timeS: p / 30,
        bytes: 100 << s,
        type: p === 0 && s === 0 ? 'key' : 'delta',
        spatialIndex: s,
        temporalIndex: p % 2,
        frameId: id++,
        dependencies: deps,
        width: sizes[s][0],
        height: sizes[s][1],
      });
      t.data.push(new Uint8Array(100 << s).fill(s + 1));
    }
  }
  return t;
}

function layer(mode: string): LayerRecord {
  return {
    rid: 'f',
    active: true,
    configured: { width: 1280, height: 720, fps: 30, scalabilityMode: 'L3T3_KEY' },
    framesCaptured: 90,
    framesEncoded: 90,
    scalabilityMode: mode,
    steady: { fromS: 0, toS: 1, seconds: 1, limitationS: { cpu: 0, bandwidth: 0, other: 0, none: 1 } },
  };
}

const input = { width: 1280, height: 720, fps: 30 };

describe('finishSvc', () => {
  it('cuts one layer per spatial point: sizes, one packet per picture, the forwarded bytes as its rate', () => {
    const r = finishSvc({ dir, scenario, input, layer: layer('L3T3_KEY'), tap: tap(), rawBitstream: 'f.svc.ivf' });
    expect(r.svc.honoured).toBe(true);
    expect(r.points.map((p) => [p.rid, p.configured.width, p.configured.height, p.framesCaptured])).toEqual([
      ['f-S0', 320, 180, 30],
      ['f-S1', 640, 360, 30],
      ['f-S2', 1280, 720, 30],
    ]);
    // K-SVC: point 2 forwards picture 0 whole (100 + 200 + 400 bytes), then 400 bytes per picture.
    expect(r.points[2].steady?.actualKbpsMean).toBe(((700 + 29 * 400) * 8) / 1000);
    expect(r.points[0].steady?.actualKbpsMean).toBe((30 * 100 * 8) / 1000);
    const rows = readFileSync(path.join(dir, 'f-S2.frames.csv'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(31);
    expect(rows[1].split(',').slice(3, 9)).toEqual(['700', 'key', '0', '1280', '720', '2']);
    // IVF: 32-byte header, frame count at byte 24; the first packet is a 3-frame superframe (+ 2 + 3 x 2 index bytes).
    const ivf = readFileSync(path.join(dir, 'f-S2.ivf'));
    expect(ivf.readUInt32LE(24)).toBe(30);
    expect(ivf.readUInt32LE(32)).toBe(700 + 8);
    // Per spatial layer, the tapped rate against simq plan (142 / 418 / 1524 kbps at 1280x720).
    expect(r.svc.layersVsPlan.map((l) => [l.size, l.measuredKbps, l.predictedKbps])).toEqual([
      ['320x180', 24, 142],
      ['640x360', 48, 418],
      ['1280x720', 96, 1524],
    ]);
  });

  it('a picture whose layer 2 the encoder skipped: point S2 shows it at 640x360, counted and named in a note', () => {
    const t = tap();
    // Pictures 10 and 20 lose their layer-2 frame; the next layer-2 frame references the one before.
    for (const p of [20, 10]) {
      const k = t.frames.findIndex((f) => f.rtpTimestamp === 3000 * p && f.spatialIndex === 2);
      const next = t.frames.findIndex((f) => f.rtpTimestamp === 3000 * (p + 1) && f.spatialIndex === 2);
      t.frames[next] = { ...t.frames[next], dependencies: t.frames[k].dependencies };
      t.frames.splice(k, 1);
      t.data.splice(k, 1);
    }
    const r = finishSvc({ dir, scenario, input, layer: layer('L3T3_KEY'), tap: t, rawBitstream: 'f.svc.ivf' });
    const s2 = r.points[2];
    // K-SVC: the layer-1 frames of pictures 10 and 20 are referenced by nothing of layer 2, so not forwarded.
    expect(s2.framesCaptured).toBe(28);
    expect(s2.svcPoint).toMatchObject({ lowerLayerPictures: 0, steadyPictures: 28 });
    const full = { ...scenario, encodings: [{ ...scenario.encodings[0], scalabilityMode: 'L3T3' }] };
    const lm = { ...layer('L3T3'), configured: { ...layer('L3T3').configured, scalabilityMode: 'L3T3' } };
    const r2 = finishSvc({ dir, scenario: full, input, layer: lm, tap: t, rawBitstream: 'f.svc.ivf' });
    // L3T3: every frame of layers <= 2 is in point S2's decode target, so pictures 10 and 20 show layer 1.
    expect(r2.points[2].framesCaptured).toBe(30);
    expect(r2.points[2].svcPoint).toMatchObject({ lowerLayerPictures: 2, steadyPictures: 30 });
    const rows = readFileSync(path.join(dir, 'f-S2.frames.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.filter((l) => l.split(',')[6] === '640').map((l) => l.split(',')[0])).toEqual(['10', '20']);
    const v = checkScenario(full, input, [r2.points[2]]);
    expect(v.notes.join('\n')).toMatch(/f-S2: 2 of 30 steady pictures show a lower spatial layer/);
  });

  it('names a mode the browser did not honour and cuts nothing', () => {
    const r = finishSvc({
      dir,
      scenario,
      input,
      layer: layer('L1T3'),
      tap: tap(1, [[640, 360]]),
      rawBitstream: 'f.svc.ivf',
    });
    expect(r.svc.honoured).toBe(false);
    expect(r.svc.problem).toBe(
      'asked L3T3_KEY, but outbound-rtp.scalabilityMode is L1T3 and its frames carry S0 640x360 (expected S0 320x180, S1 640x360, S2 1280x720): not measured as L3T3_KEY',
    );
    expect(r.points).toEqual([]);
  });
});
