// The browser's allocation against simq's model, as the capture and matrix tests check it.
import { expect } from 'vitest';
import type { ScenarioRecord } from '../../src/rundir/RunTypes.js';

/**
 * Every layer the model switches on: its steady maximum target (the allocator's value; the encoder
 * bitrate adjuster only dips it for a while after an overshoot, which pulls the median down on a
 * busy runner) lies within the model's target or range, 10% at the edges.
 */
export function expectSteadyMaxWithinModel(s: ScenarioRecord): void {
  for (const l of s.model!.layers.filter((x) => x.predictedState === 'on')) {
    const max = s.layers.find((x) => x.rid === l.rid)!.steady!.targetKbpsMax!;
    const [lo, hi] = l.predictedRangeKbps ?? [l.predictedTargetKbps!, l.predictedTargetKbps!];
    expect(max >= lo * 0.9 && max <= hi * 1.1, `${s.id} ${l.rid}: steady max ${max}, model ${lo}-${hi}`).toBe(true);
  }
}
