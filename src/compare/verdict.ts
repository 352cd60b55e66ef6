// Which arm gave a viewer more quality for the bits and fewer freezes, said only when the difference
// is larger than the measurement's noise; otherwise "no clear difference", never a false winner.
//
// Noise. Both arms play the same clip from the same start on the same time base, so second s of one
// arm shows the same source frames as second s of the other: the per-second differences are paired
// samples, and the content's own ups and downs cancel out. The noise of a mean difference is then 2
// standard errors of those per-second differences, never below a floor: VMAF 1 point (the agreement
// the SFU issue asks between a viewer and the sender's same layer; quick mode adds up to 0.25) and
// 10% of the received rate (Chrome's rate control moves a layer's rate that much between two runs of
// the same encodings: the shaped-link issue's 10% per step). Freezes are counts of rare events: two
// counts a and b differ clearly only when |a - b| > 2 sqrt(a + b) (the normal approximation of two
// Poisson counts), so 0 against 1 or 2 is no clear difference.
import { mean, round } from '../measure/aggregate.js';
import type { Arm, ArmViewerFigures, Difference, Verdict, ViewerComparison } from './CompareTypes.js';

export const VMAF_NOISE_FLOOR = 1;
export const KBPS_NOISE_SHARE = 0.1;
/** Fewer paired seconds than this: the floor alone (a standard error of 1-2 samples means nothing). */
export const MIN_PAIRED_SECONDS = 3;

function standardError(values: readonly number[]): number | undefined {
  if (values.length < MIN_PAIRED_SECONDS) return undefined;
  const m = mean(values)!;
  const variance = values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance / values.length);
}

/** Per-second differences recommended - default of one quantity, over the seconds both arms have it. */
function pairedDiffs(
  a: ArmViewerFigures,
  b: ArmViewerFigures,
  pick: (s: ArmViewerFigures['seconds'][number]) => number | undefined,
): number[] {
  const other = new Map(a.seconds.map((s) => [s.second, pick(s)]));
  return b.seconds.flatMap((s) => {
    const x = other.get(s.second);
    const y = pick(s);
    return x === undefined || y === undefined ? [] : [y - x];
  });
}

function difference(
  def: number | undefined,
  rec: number | undefined,
  noise: number | undefined,
  higherIsBetter: boolean,
  basis: string,
): Difference {
  if (def === undefined || rec === undefined || noise === undefined) return { default: def, recommended: rec, basis };
  const diff = rec - def;
  const better: Arm | undefined =
    Math.abs(diff) <= noise ? undefined : diff > 0 === higherIsBetter ? 'recommended' : 'default';
  return {
    default: def,
    recommended: rec,
    diff: round(diff, 2),
    noise: round(noise, 2),
    ...(better ? { better } : {}),
    basis,
  };
}

export function vmafDifference(def: ArmViewerFigures, rec: ArmViewerFigures): Difference {
  const d = pairedDiffs(def, rec, (s) => s.vmaf);
  const se = standardError(d);
  const noise = Math.max(VMAF_NOISE_FLOOR, 2 * (se ?? 0));
  return difference(
    def.vmafMean,
    rec.vmafMean,
    noise,
    true,
    se === undefined
      ? `floor ${VMAF_NOISE_FLOOR} VMAF (${d.length} paired seconds)`
      : `max(${VMAF_NOISE_FLOOR} VMAF, 2 x SE of ${d.length} paired seconds)`,
  );
}

export function kbpsDifference(def: ArmViewerFigures, rec: ArmViewerFigures): Difference {
  const d = pairedDiffs(def, rec, (s) => s.kbps);
  const se = standardError(d);
  const floor = KBPS_NOISE_SHARE * Math.max(def.kbps ?? 0, rec.kbps ?? 0);
  return difference(
    def.kbps,
    rec.kbps,
    Math.max(floor, 2 * (se ?? 0)),
    false,
    se === undefined
      ? `floor ${KBPS_NOISE_SHARE * 100}% (${d.length} paired seconds)`
      : `max(${KBPS_NOISE_SHARE * 100}%, 2 x SE of ${d.length} paired seconds)`,
  );
}

export function freezeDifference(def: ArmViewerFigures, rec: ArmViewerFigures): Difference {
  const noise = Math.max(1, 2 * Math.sqrt(def.freezeCount + rec.freezeCount));
  return difference(def.freezeCount, rec.freezeCount, noise, false, '2 sqrt(a + b) of the two freeze counts (Poisson)');
}

/** Better on one of quality and bits and not worse on the other; both better each on one: a trade-off. */
export function qualityForBits(vmaf: Difference, kbps: Difference): Verdict {
  if (vmaf.diff === undefined || kbps.diff === undefined) return 'not measured';
  if (vmaf.better && kbps.better && vmaf.better !== kbps.better) return 'trade-off';
  return vmaf.better ?? kbps.better ?? 'no clear difference';
}

const fmt = (v: number | undefined, digits = 1) => (v === undefined ? '-' : v.toFixed(digits));
const signed = (v: number | undefined, digits = 1) =>
  v === undefined ? '-' : `${v > 0 ? '+' : ''}${v.toFixed(digits)}`;

function sayQuality(verdict: Verdict, vmaf: Difference, kbps: Difference): string {
  const numbers = `VMAF ${fmt(vmaf.default)} -> ${fmt(vmaf.recommended)} (${signed(vmaf.diff)}, noise ${fmt(vmaf.noise)}), ${fmt(kbps.default, 0)} -> ${fmt(kbps.recommended, 0)} kbps (${signed(kbps.diff, 0)}, noise ${fmt(kbps.noise, 0)})`;
  switch (verdict) {
    case 'not measured':
      return `quality for the bits: not measured in both arms (${numbers})`;
    case 'no clear difference':
      return `quality for the bits: no clear difference (${numbers})`;
    case 'trade-off': {
      const more = vmaf.better!;
      return `quality for the bits: a trade-off, no winner: ${more} is ${fmt(Math.abs(vmaf.diff!))} VMAF better for ${fmt(Math.abs(kbps.diff!), 0)} kbps more (${numbers})`;
    }
    default:
      return `quality for the bits: ${verdict} (${numbers})`;
  }
}

function sayFreezes(verdict: Verdict, f: Difference, def: ArmViewerFigures, rec: ArmViewerFigures): string {
  const numbers = `${def.freezeCount} freezes (${fmt(def.freezeS, 2)} s) -> ${rec.freezeCount} (${fmt(rec.freezeS, 2)} s), noise ${fmt(f.noise, 1)}`;
  return `fewer freezes: ${verdict === 'default' || verdict === 'recommended' ? verdict : 'no clear difference'} (${numbers})`;
}

export function compareViewer(
  spec: string,
  renderSize: string,
  def: ArmViewerFigures | undefined,
  rec: ArmViewerFigures | undefined,
): ViewerComparison {
  if (!def || !rec) {
    const missing = [!def ? 'default' : '', !rec ? 'recommended' : ''].filter(Boolean).join(' and ');
    const none: Difference = { basis: `not measured in the ${missing} arm` };
    return {
      spec,
      renderSize,
      arms: { default: def, recommended: rec },
      vmaf: none,
      kbps: none,
      freezes: none,
      qualityForBits: 'not measured',
      fewerFreezes: 'not measured',
      says: [`not measured in the ${missing} arm: no comparison`],
    };
  }
  const vmaf = vmafDifference(def, rec);
  const kbps = kbpsDifference(def, rec);
  const freezes = freezeDifference(def, rec);
  const qfb = qualityForBits(vmaf, kbps);
  const fewer: Verdict = freezes.better ?? 'no clear difference';
  return {
    spec,
    renderSize,
    arms: { default: def, recommended: rec },
    vmaf,
    kbps,
    freezes,
    qualityForBits: qfb,
    fewerFreezes: fewer,
    says: [sayQuality(qfb, vmaf, kbps), sayFreezes(fewer, freezes, def, rec)],
  };
}
