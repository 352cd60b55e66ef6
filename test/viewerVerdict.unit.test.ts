// The verdict of `simq viewers` on hand-made figures whose answer is worked out here: a winner only
// beyond the noise (VMAF: max(1, 2 SE of the paired per-second differences); kbps: max(10%, 2 SE);
// freezes: 2 sqrt(a + b)), a trade-off when each arm is better on one, "no clear difference" else.
import { describe, expect, it } from 'vitest';
import type { ArmViewerFigures } from '../src/compare/CompareTypes.js';
import { compareViewer } from '../src/compare/verdict.js';
import { defaultArmViewers, unansweredViewers } from '../src/commands/viewers.js';
import { parseViewers } from '../src/viewer/parseViewers.js';

/** An arm seen for 8 whole seconds (2..9) with these per-second VMAF and kbps. */
function arm(vmaf: number[], kbps: number[], freezes = 0): ArmViewerFigures {
  const seconds = vmaf.map((v, i) => ({ second: 2 + i, vmaf: v, kbps: kbps[i] }));
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    viewer: 'v1',
    spec: '640x360:table',
    fromS: 2,
    toS: 10,
    ticks: 240,
    vmafMean: avg(vmaf),
    vmafP5: Math.min(...vmaf),
    kbps: avg(kbps),
    freezeCount: freezes,
    freezeS: freezes * 0.2,
    timeOnLayerS: { h: 8 },
    seconds,
    atTarget: { target: 80, seconds: 8, share: 0 },
  };
}
const flat = (v: number) => Array(8).fill(v) as number[];
/** Content that moves: the same ups and downs in both arms (they cancel in the paired differences). */
const content = [60, 70, 55, 80, 65, 75, 50, 85];

describe('simq viewers: the verdict per viewer', () => {
  it("an arm with no scored picture in the window is no answer: named with both arms' figures (exit 5)", () => {
    // A CI run's default-arm viewer got no picture (Janus forwarded the substream a 640x360 input never sends).
    const none: ArmViewerFigures = { ...arm(content, flat(300)), ticks: 0, vmafMean: undefined, seconds: [] };
    const c = compareViewer('640x360:table', '640x360', none, arm(content, flat(300)));
    expect(c.qualityForBits).toBe('not measured');
    const window = () => ({ fromS: 2.002, toS: 8 });
    expect(unansweredViewers([c], window)).toEqual([
      '640x360:table: no comparison over 2.002-8 s (default arm: 0 pictures, VMAF none, 300 kbps; recommended arm: 240 pictures, VMAF 67.5, 300 kbps); capture again, or a longer --duration',
    ]);
    const answered = compareViewer('640x360:table', '640x360', arm(content, flat(300)), arm(content, flat(300)));
    expect(unansweredViewers([answered, c], window)).toHaveLength(1);
    expect(unansweredViewers([answered], window)).toEqual([]);
  });

  it('the same figures: no clear difference on both', () => {
    const c = compareViewer('640x360:table', '640x360', arm(content, flat(300)), arm(content, flat(300)));
    expect([c.qualityForBits, c.fewerFreezes]).toEqual(['no clear difference', 'no clear difference']);
    expect(c.vmaf).toMatchObject({ diff: 0, noise: 1 });
    expect(c.kbps).toMatchObject({ diff: 0, noise: 30 });
  });

  it('+5 VMAF on every second at the same kbps: recommended, although the content varies by 35 points', () => {
    const c = compareViewer(
      '640x360:table',
      '640x360',
      arm(content, flat(300)),
      arm(
        content.map((v) => v + 5),
        flat(300),
      ),
    );
    expect(c.vmaf).toMatchObject({ diff: 5, noise: 1, better: 'recommended' });
    expect(c.qualityForBits).toBe('recommended');
    expect(c.says[0]).toMatch(/^quality for the bits: recommended \(VMAF 67\.5 -> 72\.5 \(\+5\.0, noise 1\.0\)/);
  });

  it('0.8 VMAF more (below the 1-point floor) for 30% fewer kbps: recommended, on the bits', () => {
    const c = compareViewer(
      '640x360:table',
      '640x360',
      arm(content, flat(300)),
      arm(
        content.map((v) => v + 0.8),
        flat(210),
      ),
    );
    expect(c.vmaf.better).toBeUndefined();
    expect(c.kbps).toMatchObject({ diff: -90, noise: 30, better: 'recommended' });
    expect(c.qualityForBits).toBe('recommended');
  });

  it('+5 VMAF for +50% kbps: a trade-off, no winner', () => {
    const c = compareViewer(
      '640x360:table',
      '640x360',
      arm(content, flat(300)),
      arm(
        content.map((v) => v + 5),
        flat(450),
      ),
    );
    expect(c.qualityForBits).toBe('trade-off');
    expect(c.says[0]).toMatch(/a trade-off, no winner: recommended is 5\.0 VMAF better for 150 kbps more/);
  });

  it('a mean difference of +2 whose per-second differences swing +-6: within the noise', () => {
    // Differences +8, -4, +8, -4, ...: mean 2, sample sd 6.41 (n = 8), SE 2.27, noise 4.54 > 2.
    const swing = content.map((v, i) => v + (i % 2 ? -4 : 8));
    const c = compareViewer('640x360:table', '640x360', arm(content, flat(300)), arm(swing, flat(300)));
    expect(c.vmaf.diff).toBe(2);
    expect(c.vmaf.noise).toBeCloseTo(4.54, 2);
    expect(c.vmaf.better).toBeUndefined();
    expect(c.qualityForBits).toBe('no clear difference');
  });

  it('freezes: 0 against 1 is no clear difference (noise 2); 0 against 6 is (noise 4.9)', () => {
    expect(compareViewer('a', '640x360', arm(content, flat(300), 0), arm(content, flat(300), 1)).fewerFreezes).toBe(
      'no clear difference',
    );
    const c = compareViewer('a', '640x360', arm(content, flat(300), 0), arm(content, flat(300), 6));
    expect(c.freezes.noise).toBeCloseTo(4.9, 1);
    expect(c.fewerFreezes).toBe('default');
  });

  it('an arm without the viewer measured: not measured, no verdict', () => {
    const c = compareViewer('a', '640x360', arm(content, flat(300)), undefined);
    expect([c.qualityForBits, c.fewerFreezes]).toEqual(['not measured', 'not measured']);
    expect(c.says[0]).toMatch(/not measured in the recommended arm/);
  });
});

describe("simq viewers: the default arm's viewers", () => {
  it("a table viewer gets Janus's own behaviour; fixed and janus viewers stay, in their places", () => {
    expect(defaultArmViewers(parseViewers('640x360:table,320x180:fixed:q,1280x720:janus,160x90'))).toEqual([
      '640x360:janus',
      '320x180:fixed:q',
      '1280x720:janus',
      '160x90:janus',
    ]);
  });
});
