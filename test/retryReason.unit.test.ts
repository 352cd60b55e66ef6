// When a finished capture is worth one more attempt in a fresh browser, on results made by hand.
import { describe, expect, it } from 'vitest';
import { retryReason } from '../src/capture/captureStage.js';
import type { ScenarioCaptureResult } from '../src/capture/CaptureSession.js';
import type { LayerRecord, ValidityProblem } from '../src/rundir/RunTypes.js';
import type { Scenario } from '../src/scenario/ScenarioTypes.js';

function layer(rid: string, fps: number, availableKbps: number, width = 1280): LayerRecord {
  return {
    rid,
    active: true,
    configured: { width, height: (width * 9) / 16, fps: 30 },
    framesCaptured: fps * 3,
    framesEncoded: fps * 3,
    steady: {
      fromS: 2,
      toS: 5,
      seconds: 3,
      fps,
      limitationS: { cpu: 0, bandwidth: 0, other: 0, none: 3 },
      availableOutgoingKbpsMedian: availableKbps,
    },
  };
}

const scenario = { id: 'all-layers.vp8', codec: 'vp8', encodings: [], durationS: 5, warmupS: 2 } as unknown as Scenario;
const result = (layers: LayerRecord[], settled = true): ScenarioCaptureResult =>
  ({
    layers,
    settle: settled ? { settled, steadyFromS: 2 } : { settled, steadyFromS: 8, problem: 'f was bandwidth-limited' },
  }) as unknown as ScenarioCaptureResult;
const lowFps: ValidityProblem[] = [
  { rid: 'f', kind: 'low-framerate', message: 'f: 22.1 fps in steady state, configured 30 fps' },
];

describe('retryReason', () => {
  it('retries a CPU-degraded capture after a pause, naming the layers', () => {
    const r = retryReason(result([layer('q', 22, 4000, 320), layer('f', 22, 4000)]), lowFps, scenario);
    expect(r).toEqual({ reason: 'CPU-degraded (f: 22.1 fps in steady state, configured 30 fps)', pauseMs: 3000 });
  });

  it('retries a sender that had not settled, without a pause', () => {
    expect(retryReason(result([layer('f', 30, 4000)], false), [], scenario)).toEqual({
      reason: 'the sender was still ramping 6 s after the warm-up (f was bandwidth-limited)',
      pauseMs: undefined,
    });
  });

  it('retries an estimate stuck at its start with a layer that never sent, and names every reason at once', () => {
    const r = retryReason(result([layer('q', 30, 300, 320), layer('f', 0, 300)], false), lowFps, scenario)!;
    expect(r.reason).toBe(
      'the bandwidth estimate stayed at its start value (higher layers never switched on); CPU-degraded (f: 22.1 fps in steady state, configured 30 fps)',
    );
  });

  it('does not read a layer libwebrtc never configures for the input size (0x0) as a stuck estimate', () => {
    expect(retryReason(result([layer('q', 30, 300, 320), layer('f', 0, 300, 0)]), [], scenario)).toBeUndefined();
  });

  it('leaves a clean capture alone', () => {
    expect(retryReason(result([layer('q', 30, 4000, 320), layer('f', 30, 4000)]), [], scenario)).toBeUndefined();
  });
});
