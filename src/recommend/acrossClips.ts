// A study's recommendation across its clips: each clip is recommended on its own (its scenarios, its
// quality rows, its input size), then per layer the maxBitrate that reaches the target on every clip,
// or on a chosen share of them (--clip-share): a layer given that maxBitrate gets enough bits for
// the hardest clip of the share.
import type { ClipRecord } from '../rundir/RunTypes.js';
import type { Codec } from '../scenario/ScenarioTypes.js';
import type { QualityTable } from './qualityTable.js';
import type { AcrossClipsLayer, ClipLayerAdvice, Recommendation } from './RecommendationTypes.js';

const REACHED = new Set(['measured', 'interpolated', 'below-range']);

/** The table restricted to one clip's scenarios, with that clip as the run's input. */
export function clipTable(table: QualityTable, clip: ClipRecord): QualityTable {
  const scenarios = table.run.scenarios.filter((s) => s.clipId === clip.id);
  const ids = new Set(scenarios.map((s) => s.id));
  const { id: _id, label: _label, ...input } = clip;
  return {
    ...table,
    run: { ...table.run, input, clips: [clip], scenarios },
    points: table.points.filter((p) => ids.has(p.scenarioId)),
    temporal: table.temporal.filter((t) => ids.has(t.scenarioId)),
  };
}

/**
 * Per (codec, rid, layer): sort the clips' maxBitrates (a clip that never reaches the target counts
 * as unreachable) and take the one at rank ceil(share x clips): every clip up to it reaches the target.
 */
export function acrossClips(
  perClip: readonly { clipId: string; recommendation: Recommendation }[],
  clipShare: number,
): AcrossClipsLayer[] {
  const keys = new Map<string, { codec: Codec; rid: string; layer: string }>();
  for (const { recommendation } of perClip)
    for (const c of recommendation.codecs)
      for (const l of c.layers)
        keys.set(`${c.codec}|${l.rid}|${l.layer}`, { codec: c.codec, rid: l.rid, layer: l.layer });
  const out: AcrossClipsLayer[] = [];
  for (const key of keys.values()) {
    const advice: ClipLayerAdvice[] = perClip.map(({ clipId, recommendation }) => {
      const a = recommendation.codecs
        .find((c) => c.codec === key.codec)
        ?.layers.find((l) => l.rid === key.rid && l.layer === key.layer)?.advice;
      return a ? { clipId, maxBitrate: a.maxBitrate, reached: REACHED.has(a.rule) } : { clipId, reached: false };
    });
    const need = Math.max(1, Math.ceil(clipShare * perClip.length - 1e-9));
    const reaching = advice
      .filter((a) => a.reached && a.maxBitrate !== undefined)
      .sort((a, b) => a.maxBitrate! - b.maxBitrate!);
    const entry: AcrossClipsLayer = { ...key, perClip: advice, clipsCovered: [] };
    if (reaching.length >= need) {
      entry.maxBitrate = reaching[need - 1].maxBitrate!;
      entry.clipsCovered = reaching.filter((a) => a.maxBitrate! <= entry.maxBitrate!).map((a) => a.clipId);
    } else {
      entry.note = `only ${reaching.length} of ${perClip.length} clips reach the target at a measured bitrate; ${need} needed for --clip-share ${clipShare}`;
    }
    out.push(entry);
  }
  return out;
}
