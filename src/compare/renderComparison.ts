// The text `simq viewers` prints: per viewer, both arms' figures over the steady part in one small
// table, then the two verdicts with their numbers and noise. The JSON (--json, viewers.json) holds
// the same and the per-second samples.
import type { Arm, ArmViewerFigures, ViewerComparison } from './CompareTypes.js';
import { ARMS } from './CompareTypes.js';

export interface ComparisonDoc {
  clip: string;
  codec: string;
  recommendation: string;
  uplink: string | null;
  targetVmaf: number;
  arms: Record<
    string,
    {
      runDir: string;
      scenarioId: string;
      encodings: { rid: string; active: boolean; scaleResolutionDownBy: number; maxBitrate?: number }[];
      status: string;
      exitCode: number;
    }
  >;
  viewers: ViewerComparison[];
  timings: Record<string, number>;
}

const num = (v: number | undefined, digits = 1) => (v === undefined ? '-' : v.toFixed(digits));

function encodings(doc: ComparisonDoc, arm: Arm): string {
  return doc.arms[arm].encodings
    .map(
      (e) =>
        `${e.rid}${e.active ? '' : ' (off)'} /${e.scaleResolutionDownBy} ${e.maxBitrate === undefined ? 'no max' : `${Math.round(e.maxBitrate / 1000)}k`}`,
    )
    .join(', ');
}

function layers(f: ArmViewerFigures): string {
  return Object.entries(f.timeOnLayerS)
    .map(([l, s]) => `${l} ${s.toFixed(1)} s`)
    .join(', ');
}

function row(arm: Arm, f: ArmViewerFigures | undefined): string {
  if (!f) return `  ${arm.padEnd(12)} not measured`;
  const share =
    f.atTarget.share === undefined ? '-' : `${Math.round(f.atTarget.share * 100)}% of ${f.atTarget.seconds} s`;
  return `  ${arm.padEnd(12)} ${f.spec.padEnd(16)} ${num(f.vmafMean).padStart(5)} ${num(f.vmafP5).padStart(5)} ${num(f.kbps, 0).padStart(5)}  ${`${f.freezeCount} (${num(f.freezeS, 2)} s)`.padEnd(12)} ${share.padEnd(13)} ${layers(f)}`.replace(
    /\s+$/,
    '',
  );
}

export function renderComparison(doc: ComparisonDoc): string {
  const out: string[] = [];
  out.push(
    `simq viewers: ${doc.clip}, ${doc.codec}, through Janus${doc.uplink ? `, sender uplink ${doc.uplink}` : ''}; recommendation ${doc.recommendation}`,
  );
  for (const arm of ARMS)
    out.push(
      `  ${arm.padEnd(12)} ${encodings(doc, arm)}${doc.arms[arm].status === 'complete' ? '' : `  [${doc.arms[arm].status}]`}`,
    );
  for (const v of doc.viewers) {
    const w = v.arms.default ?? v.arms.recommended;
    out.push(
      '',
      `viewer ${v.spec} (renders ${v.renderSize}), seconds ${num(w?.fromS)} to ${num(w?.toS, 0)} of both arms:`,
    );
    out.push(
      `  ${'arm'.padEnd(12)} ${'policy'.padEnd(16)} ${'VMAF'.padStart(5)} ${'p5'.padStart(5)} ${'kbps'.padStart(5)}  ${'freezes'.padEnd(12)} ${`>= VMAF ${doc.targetVmaf}`.padEnd(13)} layer on screen (whole run)`,
    );
    for (const arm of ARMS) out.push(row(arm, v.arms[arm]));
    for (const s of v.says) out.push(`  -> ${s}`);
  }
  const t = doc.timings;
  out.push(
    '',
    `took ${Math.round(t.totalS)} s${t.recommendationS !== undefined ? ` (recommendation ${Math.round(t.recommendationS)} s, ` : ' ('}default arm ${Math.round(t.defaultS)} s, recommended arm ${Math.round(t.recommendedS)} s); runs: ${ARMS.map((a) => doc.arms[a].runDir).join(', ')}`,
  );
  return out.join('\n');
}
