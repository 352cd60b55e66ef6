// The per-second stats timeline of one scenario (stats.csv) and its steady-state summary per layer.
// Rates come from differences of cumulative counters (bytesSent, framesEncoded, qpSum,
// qualityLimitationDurations) between consecutive getStats() samples taken by the page.
import { median } from '../measure/aggregate.js';
import type { Codec } from '../scenario/ScenarioTypes.js';
import { rateControlSeconds } from './rateControl.js';
import type { StatsRow } from '../rundir/CsvTypes.js';
import type { SteadyState } from '../rundir/RunTypes.js';
import type { PageStatsSample } from './page/protocol.js';
import type { LinkSample } from '../link/LinkSchedule.js';
import { linkRowAt, linkTimelineRows, type LinkTimelineRow } from '../link/linkTimeline.js';

export type { StatsRow };

/** The outbound-rtp fields simq reads (RTCOutboundRtpStreamStats, webrtc-stats). */
interface Outbound {
  rid?: string;
  ssrc?: number;
  active?: boolean;
  targetBitrate?: number;
  bytesSent?: number;
  framesEncoded?: number;
  keyFramesEncoded?: number;
  framesPerSecond?: number;
  frameWidth?: number;
  frameHeight?: number;
  qpSum?: number;
  qualityLimitationReason?: string;
  nackCount?: number;
  qualityLimitationDurations?: Record<string, number>;
  encoderImplementation?: string;
  scalabilityMode?: string;
}

/** Intervals shorter than this (the stop sample right after a regular one) give no rate row. */
const MIN_INTERVAL_S = 0.5;
/** A sample this close to the warm-up boundary counts as on it (the page's timer is not exact). */
const BOUNDARY_SLACK_S = 0.15;

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

function mode<T>(values: T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | undefined;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

function outboundByRid(sample: PageStatsSample): Map<string, Outbound> {
  const map = new Map<string, Outbound>();
  for (const raw of sample.outbound) {
    const o = raw as Outbound;
    if (o.rid !== undefined) map.set(o.rid, o);
  }
  return map;
}

export class StatsTimeline {
  private samples: PageStatsSample[] = [];
  /** The sample taken after the camera stopped and the encoder drained: its counters close the capture. */
  private finalSample: PageStatsSample | undefined;
  /** Where steady state starts (steadyStart.ts); the warm-up until the capture has decided. */
  private steadyFromS: number;

  constructor(
    readonly warmupS: number,
    readonly bandwidthCapBps?: number,
    /** The scenario's codec: the QP ceiling rate control is judged by (rateControl.ts). */
    readonly codec?: Codec,
  ) {
    this.steadyFromS = warmupS;
  }

  private link: LinkTimelineRow[] = [];

  /** The shaped uplink's per-second counters, joined to each stats second by time (link_* columns). */
  setLinkSamples(samples: LinkSample[]): void {
    this.link = linkTimelineRows(samples);
  }

  /** Moves the start of steady state to the time the sender settled (never before the warm-up). */
  setSteadyStart(seconds: number): void {
    this.steadyFromS = Math.max(this.warmupS, seconds);
  }

  steadyStartS(): number {
    return this.steadyFromS;
  }

  add(sample: PageStatsSample): void {
    if (sample.final) this.finalSample = sample;
    else this.samples.push(sample);
    this.samples.sort((a, b) => a.tMs - b.tMs);
  }

  /** The timeline's samples, in time order, up to the closing one taken while the camera still ran. */
  private all(): PageStatsSample[] {
    return this.samples;
  }

  rows(): StatsRow[] {
    const rows: StatsRow[] = [];
    const samples = this.all();
    let second = 0;
    for (let i = 1; i < samples.length; i++) {
      const prev = samples[i - 1];
      const cur = samples[i];
      const dt = (cur.tMs - prev.tMs) / 1000;
      if (dt < MIN_INTERVAL_S) continue;
      second++;
      const before = outboundByRid(prev);
      for (const [rid, o] of outboundByRid(cur)) {
        const p = before.get(rid) ?? {};
        const frames = (o.framesEncoded ?? 0) - (p.framesEncoded ?? 0);
        const qp = (o.qpSum ?? 0) - (p.qpSum ?? 0);
        const lim = (k: string) =>
          round((o.qualityLimitationDurations?.[k] ?? 0) - (p.qualityLimitationDurations?.[k] ?? 0), 3);
        const link = linkRowAt(this.link, cur.tMs / 1000);
        rows.push({
          second,
          t_s: round(cur.tMs / 1000, 3),
          warmup: cur.tMs / 1000 <= this.steadyFromS + BOUNDARY_SLACK_S ? 1 : 0,
          rid,
          ssrc: o.ssrc,
          active: o.active === undefined ? undefined : String(o.active),
          target_kbps: o.targetBitrate === undefined ? undefined : round(o.targetBitrate / 1000),
          actual_kbps: round((((o.bytesSent ?? 0) - (p.bytesSent ?? 0)) * 8) / dt / 1000),
          fps: round(frames / dt, 2),
          width: o.frameWidth,
          height: o.frameHeight,
          qp_avg: frames > 0 ? round(qp / frames, 2) : undefined,
          quality_limitation_reason: o.qualityLimitationReason,
          limitation_cpu_s: lim('cpu'),
          limitation_bandwidth_s: lim('bandwidth'),
          encoder_implementation: o.encoderImplementation,
          scalability_mode: o.scalabilityMode,
          frames_encoded: o.framesEncoded,
          key_frames_encoded: o.keyFramesEncoded,
          available_outgoing_kbps:
            cur.availableOutgoingBitrate === undefined ? undefined : round(cur.availableOutgoingBitrate / 1000),
          bandwidth_cap_kbps: this.bandwidthCapBps === undefined ? undefined : round(this.bandwidthCapBps / 1000),
          link_rate_kbps: link?.rate_kbps,
          link_delivered_kbps: link?.delivered_kbps,
          link_drops: link?.drops,
          link_backlog_bytes: link?.backlog_bytes,
          link_loss_drops: link?.loss_drops,
          nack_count: o.nackCount,
        });
      }
    }
    return rows;
  }

  /** Steady state of one layer: from the first sample at or after the warm-up to the last sample. */
  steady(rid: string): SteadyState | undefined {
    const samples = this.all();
    const start = samples.find((s) => s.tMs / 1000 >= this.steadyFromS - BOUNDARY_SLACK_S);
    const end = samples[samples.length - 1];
    if (!start || !end || end === start) return undefined;
    const a = outboundByRid(start).get(rid);
    const b = outboundByRid(end).get(rid);
    if (!a || !b) return undefined;
    const seconds = (end.tMs - start.tMs) / 1000;
    const steadyRows = this.rows().filter((r) => r.rid === rid && r.warmup === 0);
    const frames = (b.framesEncoded ?? 0) - (a.framesEncoded ?? 0);
    const lim = (k: string) =>
      round((b.qualityLimitationDurations?.[k] ?? 0) - (a.qualityLimitationDurations?.[k] ?? 0), 3);
    const targets = steadyRows.map((r) => r.target_kbps).filter((v): v is number => v !== undefined);
    const available = steadyRows.map((r) => r.available_outgoing_kbps).filter((v): v is number => v !== undefined);
    const sizes = steadyRows.filter((r) => r.width && r.height).map((r) => `${r.width}x${r.height}`);
    const size = mode(sizes)?.split('x').map(Number);
    // A limitation "other" than the three spec'd reasons is kept apart so nothing is lost.
    const known = ['cpu', 'bandwidth', 'none'];
    const other = Object.keys(b.qualityLimitationDurations ?? {})
      .filter((k) => !known.includes(k))
      .reduce((sum, k) => sum + lim(k), 0);
    const sourceFrames =
      start.sourceFrames !== undefined && end.sourceFrames !== undefined
        ? end.sourceFrames - start.sourceFrames
        : undefined;
    const rc = rateControlSeconds(
      this.codec,
      steadyRows.map((r) => ({ fps: r.fps ?? 0, qp: r.qp_avg })),
    );
    return {
      fromS: round(start.tMs / 1000, 3),
      toS: round(end.tMs / 1000, 3),
      seconds: round(seconds, 3),
      targetKbpsMedian: median(targets),
      targetKbpsMax: targets.length ? Math.max(...targets) : undefined,
      actualKbpsMean: round((((b.bytesSent ?? 0) - (a.bytesSent ?? 0)) * 8) / seconds / 1000),
      fps: round(frames / seconds, 2),
      ...(sourceFrames !== undefined ? { sourceFps: round(sourceFrames / seconds, 2) } : {}),
      width: size?.[0],
      height: size?.[1],
      qpMean: frames > 0 ? round(((b.qpSum ?? 0) - (a.qpSum ?? 0)) / frames, 2) : undefined,
      limitationS: { cpu: lim('cpu'), bandwidth: lim('bandwidth'), other: round(other, 3), none: lim('none') },
      availableOutgoingKbpsMedian: median(available),
      ...(rc.seconds > 0
        ? {
            rateControl: {
              seconds: rc.seconds,
              fpsOtherwise: rc.fpsOtherwise === undefined ? undefined : round(rc.fpsOtherwise, 2),
            },
          }
        : {}),
    };
  }

  /**
   * One layer's values (SSRC, framesEncoded, encoder implementation, ...): its outbound-rtp in the
   * final sample, else in the latest sample that has it. A browser may drop a sender's stats once it
   * stops sending (Firefox 140 ESR without a track), and the SSRC that names the layer's frames must
   * not be lost with them (its framesEncoded then lags, which the frame count check reports).
   */
  lastOutbound(rid: string): Outbound | undefined {
    for (const sample of [this.finalSample, ...[...this.samples].reverse()]) {
      const out = sample && outboundByRid(sample).get(rid);
      if (out) return out;
    }
    return undefined;
  }
}
