// A browser that did not honour the asked scalabilityMode: VP9 L3T3_KEY asked on a 1280x720 camera,
// the browser reports L1T3 and its frames are one spatial layer at 1280x720. finishSvc (given the tap
// in memory; with a problem it writes nothing) names it, the validity guard turns it into an
// 'svc-mode' problem, and the capture summary prints it next to the mode asked and the mode reported.
// The expected texts are written by hand: libwebrtc's svc_config.cc gives L3T3_KEY at 1280x720 the
// spatial layers input/4, input/2 and input (320x180, 640x360, 1280x720).
import { describe, expect, it } from 'vitest';
import { captureSummary, renderCaptureSummary } from '../src/capture/captureSummary.js';
import type { SvcFrame } from '../src/capture/SvcCaptureTypes.js';
import { finishSvc } from '../src/capture/svcFinish.js';
import { checkScenario } from '../src/capture/validity.js';
import { degradedWarning } from '../src/commands/capture.js';
import type { LayerRecord } from '../src/rundir/RunTypes.js';
import { handmadeSvcRun, SVC_ID } from './fixtures/recommend/handmadeSvc.js';

const run = handmadeSvcRun();
const entry = run.scenarios.find((s) => s.id === SVC_ID)!;
const camera = { width: 1280, height: 720, fps: 30 };

// A healthy f in every other respect (full size, full rate, no CPU limit), so svc-mode is its only problem.
const sent: LayerRecord = {
  rid: 'f',
  active: true,
  configured: { width: 1280, height: 720, fps: 30 },
  framesCaptured: 300,
  framesEncoded: 300,
  scalabilityMode: 'L1T3',
  steady: {
    fromS: 2,
    toS: 10,
    seconds: 8,
    targetKbpsMedian: 1500,
    fps: 30,
    width: 1280,
    height: 720,
    limitationS: { cpu: 0, bandwidth: 0, other: 0, none: 8 },
  },
};
// 30 fps for 10 s, every frame spatial layer 0 at 1280x720 (what an L1T3 stream carries).
const frames: SvcFrame[] = Array.from({ length: 300 }, (_, i) => ({
  rtpTimestamp: i * 3000,
  timeS: i / 30,
  bytes: 5000,
  type: i === 0 ? 'key' : 'delta',
  spatialIndex: 0,
  temporalIndex: 0,
  width: 1280,
  height: 720,
}));

const PROBLEM =
  'asked L3T3_KEY, but outbound-rtp.scalabilityMode is L1T3 and its frames carry S0 1280x720 ' +
  '(expected S0 320x180, S1 640x360, S2 1280x720): not measured as L3T3_KEY';

describe('svc-mode: a scalabilityMode the browser did not honour', () => {
  const finished = finishSvc({
    dir: '/nonexistent',
    scenario: entry.scenario,
    input: camera,
    layer: sent,
    tap: { frames, data: [] },
    rawBitstream: 'f.svc.ivf',
  });
  const layer: LayerRecord = { ...sent, svc: finished.svc };

  it('finishSvc: honoured false, the problem names the mode asked and what was sent, no point cut', () => {
    expect([finished.svc.honoured, finished.svc.problem, finished.points]).toEqual([false, PROBLEM, []]);
  });

  it("checkScenario: one problem, kind 'svc-mode', on f, with finishSvc's text", () => {
    const v = checkScenario(entry.scenario, camera, [layer]);
    expect(v.problems).toEqual([{ rid: 'f', kind: 'svc-mode', message: `f: ${PROBLEM}` }]);
  });

  it('the capture summary names the mode asked and the mode the browser reports, and prints the problem', () => {
    const problems = checkScenario(entry.scenario, camera, [layer]).problems;
    const degraded = { ...run, status: 'degraded' as const };
    degraded.scenarios = [{ ...entry, layers: [layer], problems, status: 'degraded' }];
    const lines = renderCaptureSummary(captureSummary('/runs/r1', degraded)).split('\n');
    expect(lines.find((l) => l.startsWith(`${SVC_ID}: f SVC`))).toMatch(
      /^svc-l3t3-key\.vp9: f SVC L3T3_KEY \(browser reports L1T3\), /,
    );
    expect(lines).toContain(`svc-l3t3-key.vp9: f: ${PROBLEM}`);
    expect(lines.at(-1)).toBe('run degraded: /runs/r1');
  });

  it('the warning before exit 4 says the mode was not honoured, not that the CPU was short', () => {
    const problems = checkScenario(entry.scenario, camera, [layer]).problems;
    const w = degradedWarning({ scenarios: [{ ...entry, layers: [layer], problems, status: 'degraded' }] });
    expect(w).toMatch(/^the browser did not send the scalabilityMode asked for/);
    expect(w).not.toMatch(/CPU/);
    const cpu = { rid: 'q', kind: 'cpu-limited' as const, message: 'q: CPU-limited' };
    const both = degradedWarning({ scenarios: [{ ...entry, problems: [...problems, cpu], status: 'degraded' }] });
    expect(both).toMatch(/scalabilityMode asked for.*; some layers were CPU-limited/);
  });
});
