// A viewer's figures from its displayed pictures: time on each layer, switches, received kbps,
// VMAF mean / 5th percentile over every tick (a frozen repeat counts against quality, as the
// "displayed" view of layers does), and a per-second timeline for the report.
import { aggregate, round } from '../aggregate.js';
import type { FrameMetrics } from '../metrics/metricLogs.js';
import { perSecondMeans } from '../perSecond.js';
import type {
  DisplayTick,
  FreezeSummary,
  ViewerFrame,
  ViewerMeasureRecord,
  ViewerSecond,
} from './ViewerMeasureTypes.js';

/** A layer of the run by its picture size. */
export interface LayerSize {
  rid: string;
  width: number;
  height: number;
}

/** The rid whose layer has this picture size, or "WxH" when no layer of the run has it. */
export function layerOfSize(width: number, height: number, layers: readonly LayerSize[]): string {
  return layers.find((l) => l.width === width && l.height === height)?.rid ?? `${width}x${height}`;
}

export interface SummaryInput {
  frames: readonly ViewerFrame[];
  ticks: readonly DisplayTick[];
  freezes: FreezeSummary;
  /** Per tick, the scores of its picture (same order as ticks). */
  metrics: readonly FrameMetrics[];
  layers: readonly LayerSize[];
  fps: number;
  /** The scenario's steady start (s): the viewer's figures are also given from there on. */
  steadyFromS?: number;
}

type Figures = Pick<
  ViewerMeasureRecord,
  | 'ticks'
  | 'repeats'
  | 'durationS'
  | 'freezes'
  | 'switches'
  | 'switchesPerMinute'
  | 'receivedKbps'
  | 'timeOnLayerS'
  | 'vmafMean'
  | 'vmafP5'
  | 'steady'
  | 'seconds'
>;

/** The layer on screen at each tick. */
export function tickLayers(
  frames: readonly ViewerFrame[],
  ticks: readonly DisplayTick[],
  layers: readonly LayerSize[],
): string[] {
  return ticks.map((t) => layerOfSize(frames[t.frameIndex].width, frames[t.frameIndex].height, layers));
}

export function summarizeViewer(input: SummaryInput): Figures {
  const { frames, ticks, freezes, metrics, fps } = input;
  const layerAt = tickLayers(frames, ticks, input.layers);
  const durationS = ticks.length / fps;
  const timeOnLayerS: Record<string, number> = {};
  for (const l of layerAt) timeOnLayerS[l] = (timeOnLayerS[l] ?? 0) + 1 / fps;
  for (const l of Object.keys(timeOnLayerS)) timeOnLayerS[l] = round(timeOnLayerS[l], 3)!;
  let switches = 0;
  for (let k = 1; k < layerAt.length; k++) if (layerAt[k] !== layerAt[k - 1]) switches++;
  // The frames that arrived while the timeline ran (from its first tick's interval to its last tick).
  const fromMs = ticks.length ? ticks[0].timeMs - 500 / fps : 0;
  const toMs = ticks.length ? ticks[ticks.length - 1].timeMs + 500 / fps : 0;
  const bytes = frames
    .filter((f) => f.arrivalMs >= fromMs && f.arrivalMs < toMs)
    .reduce((n, f) => n + (f.bytes ?? 0), 0);
  const vmaf = aggregate(metrics.map((m) => m.vmaf));
  const fromS = input.steadyFromS;
  const steadyTicks = fromS === undefined ? [] : ticks.map((t, k) => k).filter((k) => ticks[k].timeMs / 1000 >= fromS);
  const steadyVmaf = aggregate(steadyTicks.map((k) => metrics[k]?.vmaf));
  return {
    ticks: ticks.length,
    repeats: ticks.filter((t) => t.repeat).length,
    durationS: round(durationS, 3),
    freezes: {
      count: freezes.count,
      totalS: round(freezes.totalMs / 1000, 3)!,
      list: freezes.freezes.map((f) => ({
        startS: round(f.startMs / 1000, 3)!,
        durationS: round(f.durationMs / 1000, 3)!,
      })),
    },
    switches,
    switchesPerMinute: durationS > 0 ? round((switches * 60) / durationS, 2) : undefined,
    receivedKbps: durationS > 0 ? round((bytes * 8) / 1000 / durationS, 1) : undefined,
    timeOnLayerS,
    vmafMean: round(vmaf.mean, 3),
    vmafP5: round(vmaf.p5, 3),
    steady:
      fromS === undefined
        ? undefined
        : { fromS, ticks: steadyTicks.length, vmafMean: round(steadyVmaf.mean, 3), vmafP5: round(steadyVmaf.p5, 3) },
    seconds: perSecond(input, layerAt),
  };
}

/** One entry per whole second the timeline touches. */
function perSecond({ frames, ticks, freezes, metrics, fps }: SummaryInput, layerAt: readonly string[]): ViewerSecond[] {
  const bySecond = new Map<number, number[]>();
  ticks.forEach((t, k) => {
    const s = Math.floor(t.timeMs / 1000);
    if (!bySecond.has(s)) bySecond.set(s, []);
    bySecond.get(s)!.push(k);
  });
  const freezeEnds = new Map(freezes.freezes.map((f) => [f.endTick, 1]));
  const vmafOf = new Map(
    perSecondMeans(
      ticks.map((t) => t.timeMs / 1000),
      metrics.map((m) => m?.vmaf),
    ).map((s) => [s.second, s.mean]),
  );
  return [...bySecond.entries()].map(([second, ks]) => {
    const counts = new Map<string, number>();
    for (const k of ks) counts.set(layerAt[k], (counts.get(layerAt[k]) ?? 0) + 1);
    const layer = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const bytes = frames
      .filter((f) => Math.floor(f.arrivalMs / 1000) === second)
      .reduce((n, f) => n + (f.bytes ?? 0), 0);
    return {
      second,
      layer,
      kbps: round((bytes * 8) / 1000, 1)!,
      vmaf: round(vmafOf.get(second), 2),
      frozenS: round(ks.filter((k) => ticks[k].repeat).length / fps, 3)!,
      freezes: ks.filter((k) => freezeEnds.has(ticks[k].tick)).length,
    };
  });
}
