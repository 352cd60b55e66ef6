// When a scenario's sender is steady. A fixed warm-up is not enough: on loopback the bandwidth
// estimate now and then ramps slowly (the top layer was seen bandwidth-limited 4.8 s into a capture),
// and a busy machine slows everything down. The steady window starts with the first stats interval,
// beginning at or after the warm-up, in which
// - every active layer encoded frames and none was bandwidth-limited (qualityLimitationReason
//   "bandwidth" is what libwebrtc reports while the allocator keeps a layer off or short for lack of
//   bitrate: video/send_statistics_proxy.cc, from VideoBitrateAllocation::is_bw_limited), and
// - no layer's target moved by more than TARGET_SETTLED_SHARE (the allocation has stopped ramping),
// - every active layer encoded at least FRAMERATE_TOLERANCE of its configured frame rate: while the
//   estimate and the targets ramp, libvpx's rate control drops frames of a layer whose target just
//   changed (seen: h at a 300 kbps cap encoded 16, 16, 10 and 23 fps in seconds 3-6 of a capture, then
//   28-31), and a window that began there was read as CPU-degraded.
// - without a cap, the bandwidth estimate is not still ramping below what the layers ask for: on a
//   loaded runner the estimate once climbed 7-8% a second from 1 Mbps, f was switched on at its 600 kbps
//   min at 1.7 Mbps and every target then held still (the allocator keeps f at min until the estimate
//   covers more), so the window began with f at 600 of its 2500 kbps, 10 fps at its QP ceiling.
// Under a bandwidth cap a layer switched off by the allocator is the behaviour under test, so there
// the bandwidth estimate and the targets must only stop moving.
import { InputError } from '../errors.js';
import { DEFAULT_CALIBRATION } from '../allocation/Calibration.js';
import { packetOverheadRate } from '../allocation/EncoderTarget.js';
import { predictAllocation, type ScenarioForPrediction } from '../allocation/predictAllocation.js';
import type { StatsRow } from './StatsTimeline.js';
import { FRAMERATE_TOLERANCE } from './validity.js';
import { underRatePressure } from './rateControl.js';
import type { Codec } from '../scenario/ScenarioTypes.js';

/** Relative change of a layer's target (or of the estimate, under a cap) between intervals that still counts as settled. */
export const TARGET_SETTLED_SHARE = 0.15;
/**
 * Rise of the uncapped bandwidth estimate between intervals that counts as still ramping, while it
 * leaves the encoder less than the layers ask for. GoogCC's multiplicative increase is up to 8% a
 * second (the ramp seen: +7.9% and +6.4%); an estimate that has stopped below the demand (a loaded
 * loopback's delay-based backoff) is a steady state and is measured as one.
 */
export const ESTIMATE_RAMP_SHARE = 0.05;
/** Seconds of an interval a layer may spend bandwidth-limited and still count as settled (timer granularity). */
const BANDWIDTH_LIMITED_TOLERANCE_S = 0.2;
/** Seconds past the warm-up simq waits for the sender to settle before it gives up (and retries the scenario). */
export const DEFAULT_SETTLE_WAIT_S = 6;

/** The wait, from SIMQ_SETTLE_WAIT_S where set (0 makes any ramp still running at the warm-up's end a retry). */
export function settleWaitS(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.SIMQ_SETTLE_WAIT_S;
  if (text === undefined || text === '') return DEFAULT_SETTLE_WAIT_S;
  const s = Number(text);
  if (!Number.isFinite(s) || s < 0 || s > 120) {
    throw new InputError(
      `SIMQ_SETTLE_WAIT_S=${text}: expected seconds between 0 and 120`,
      `unset SIMQ_SETTLE_WAIT_S (default ${DEFAULT_SETTLE_WAIT_S})`,
    );
  }
  return s;
}

/**
 * Seconds the fake camera opens before the encoder gets its track (0.4-0.6 s measured on a quiet
 * machine, more under load) plus the capture's stop, rounded up.
 */
const CAMERA_LEAD_S = 2;

/**
 * The camera tail a capture needs (src/input/prepareClip.ts): a capture lasts up to --duration plus
 * the settle wait, and the camera starts up to CAMERA_LEAD_S before it, so with this much more file
 * its loop never wraps inside the measured window.
 */
export function cameraTailS(env: NodeJS.ProcessEnv = process.env): number {
  return settleWaitS(env) + CAMERA_LEAD_S;
}

export interface SettleInput {
  rows: readonly StatsRow[];
  activeRids: readonly string[];
  capped: boolean;
  warmupS: number;
  /** The latest start allowed: warmupS + settleWaitS(). */
  latestS: number;
  /** Each layer's configured frame rate (the clip's, or its maxFramerate); a layer not listed is not checked. */
  configuredFps?: Readonly<Record<string, number>>;
  /** The scenario's codec: a layer encoding at its QP ceiling drops frames for lack of bits, not ramping. */
  codec?: Codec;
  /** Without a cap: the encoder bitrate the layers ask for (kbps, libwebrtc's allocation with no cap), where known. */
  demandKbps?: number;
}

/**
 * What a scenario's layers ask for with no cap, in encoder kbps: the sum of libwebrtc's allocation
 * (predictAllocation, the model `simq plan` prints; for an SVC encoding its spatial layers' maximum
 * summed). Only for a sender that model describes: the caller gives no demand for Firefox, a shaped
 * uplink or a cap (CaptureSession.demandKbps).
 */
export function uncappedDemandKbps(
  scenario: ScenarioForPrediction,
  input: { width: number; height: number; fps: number },
): number {
  const p = predictAllocation({ ...scenario, bandwidthBps: undefined }, input, null);
  return p.layers.reduce((sum, l) => sum + l.allocatedBps, 0) / 1000;
}

/** The encoder's share of a bandwidth estimate: the estimate less packet overhead (rtp_video_sender.cc). */
const forEncoderKbps = (estimateKbps: number) =>
  estimateKbps - packetOverheadRate(estimateKbps * 1000, DEFAULT_CALIBRATION) / 1000;

interface Interval {
  tS: number;
  byRid: Map<string, StatsRow>;
}

function intervals(rows: readonly StatsRow[]): Interval[] {
  const out = new Map<number, Interval>();
  for (const r of rows) {
    let i = out.get(r.second);
    if (!i) out.set(r.second, (i = { tS: r.t_s, byRid: new Map() }));
    i.byRid.set(r.rid, r);
  }
  return [...out.values()].sort((a, b) => a.tS - b.tS);
}

const moved = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && Math.abs(a - b) > TARGET_SETTLED_SHARE * Math.max(a, b, 1);

/** Why an interval does not count as settled, or undefined when it does (prev is the interval before it). */
function unsettled(cur: Interval, prev: Interval, input: SettleInput): string | undefined {
  for (const rid of input.activeRids) {
    const r = cur.byRid.get(rid);
    const p = prev.byRid.get(rid);
    if (!input.capped) {
      if (!r?.fps) return `${rid} encoded no frame`;
      if ((r.limitation_bandwidth_s ?? 0) > BANDWIDTH_LIMITED_TOLERANCE_S) return `${rid} was bandwidth-limited`;
      const configured = input.configuredFps?.[rid];
      // At its QP ceiling the encoder drops frames for as long as the content stays this hard: that is
      // the steady state of this configuration (rateControl.ts), not a ramp to wait out. A QP spike
      // after a target change is not excused here: that is the ramp.
      const atCeiling = underRatePressure(input.codec, r.qp_avg, undefined);
      if (configured !== undefined && r.fps < FRAMERATE_TOLERANCE * configured && !atCeiling)
        return `${rid} encoded ${r.fps} fps of its ${configured}`;
    }
    if (moved(r?.target_kbps, p?.target_kbps))
      return `${rid}'s target moved from ${p?.target_kbps} to ${r?.target_kbps} kbps`;
  }
  const a = [...cur.byRid.values()][0]?.available_outgoing_kbps;
  const b = [...prev.byRid.values()][0]?.available_outgoing_kbps;
  if (input.capped) {
    if (moved(a, b)) return `the bandwidth estimate moved from ${b} to ${a} kbps`;
  } else if (input.demandKbps !== undefined && a !== undefined && b !== undefined) {
    if (a > b * (1 + ESTIMATE_RAMP_SHARE) && forEncoderKbps(a) < input.demandKbps)
      return `the bandwidth estimate is still ramping (${b} to ${a} kbps), below the ${Math.round(input.demandKbps)} kbps the layers ask for`;
  }
  return undefined;
}

/** A sample this close before the warm-up's end counts as on it (the page's timer is not exact). */
const BOUNDARY_SLACK_S = 0.15;

/**
 * The t_s of the sample that begins the first settled interval within [warmupS, latestS] whose next
 * interval is settled too, if any. One still interval is not enough: at the start Chromium held every
 * target at 1/1.2 of its value for one to two seconds (125/417/2083 kbps for 150/500/2500) and then
 * stepped up by 20%; a single unchanged second before that step was taken for settled, and the window
 * included the step. Needing two still seconds costs at most one second of capture per scenario.
 */
export function findSteadyStart(input: SettleInput): number | undefined {
  const iv = intervals(input.rows);
  for (let k = 1; k + 1 < iv.length; k++) {
    if (iv[k - 1].tS < input.warmupS - BOUNDARY_SLACK_S) continue;
    if (iv[k - 1].tS > input.latestS + BOUNDARY_SLACK_S) break;
    if (!unsettled(iv[k], iv[k - 1], input) && !unsettled(iv[k + 1], iv[k], input)) return iv[k - 1].tS;
  }
  return undefined;
}

/** What kept the sender from settling, from the last interval (for run.json and the summary). */
export function settleProblem(input: SettleInput): string {
  const iv = intervals(input.rows);
  if (iv.length < 2) return 'too few stats samples';
  return unsettled(iv[iv.length - 1], iv[iv.length - 2], input) ?? 'settled only at the very end';
}
