// A link: what simq puts between a sender (or a viewer) and the rest, applied with the kernel's
// traffic control (LinkShaper.ts). Field names follow libwebrtc's BuiltInNetworkBehaviorConfig
// (api/test/simulated_network.h: link_capacity, queue_length_packets, queue_delay_ms,
// delay_standard_deviation_ms, loss_percent) where they mean the same thing.

/** From this time on (ms since the schedule started) the link delivers this rate. */
export interface RateStep {
  atMs: number;
  kbps: number;
}

/** Where a link's rate comes from. */
export type RateSource =
  | { kind: 'constant' }
  /** A trace shipped in data/traces/ (by name). */
  | { kind: 'named'; name: string; file: string; source: string }
  /** simq's own (time s, kbps) steps, JSON or CSV. */
  | { kind: 'steps'; file: string }
  /** A mahimahi trace: one line per 1500-byte delivery opportunity (ms), converted to steps. */
  | { kind: 'mahimahi'; file: string; binMs: number; periodMs: number };

/** The bottleneck queue: a byte limit (ms at the current rate; bfifo) or a packet limit (pfifo). */
export type LinkQueue = { unit: 'ms'; value: number } | { unit: 'packets'; value: number };

export interface LinkSpec {
  /** The spec as the user wrote it, e.g. "step-3000-800-3000,loss=2%". */
  text: string;
  rate: RateSource;
  /** Ascending by atMs, the first at 0. One step: a constant link. */
  steps: RateStep[];
  /** After the last step: hold its rate (false) or start the trace over (true; mahimahi files loop). */
  repeat: boolean;
  /** Length of one pass of the trace (ms); 0 for a constant link. */
  periodMs: number;
  queue: LinkQueue;
  /** Random loss on the receiving end, 0-100. */
  lossPercent: number;
  /** One-way delay added by netem (needs the kernel's netem qdisc). */
  delayMs?: number;
  /** netem's delay deviation (needs delay). */
  jitterMs?: number;
}

/** A queue of 100 ms at the current rate: libwebrtc's full-stack "500 kbps + 100 ms" case size. */
export const DEFAULT_QUEUE: LinkQueue = { unit: 'ms', value: 100 };

/** The rate a link delivers at t (ms since the schedule started). */
export function rateAt(link: Pick<LinkSpec, 'steps' | 'repeat' | 'periodMs'>, tMs: number): number {
  const t = link.repeat && link.periodMs > 0 ? tMs % link.periodMs : tMs;
  let kbps = link.steps[0]!.kbps;
  for (const s of link.steps) if (s.atMs <= t) kbps = s.kbps;
  return kbps;
}

/** True when the rate changes over time: such a link has no steady state to wait for. */
export function isMoving(link: Pick<LinkSpec, 'steps'>): boolean {
  return new Set(link.steps.map((s) => s.kbps)).size > 1;
}

/** A short, file-name-safe label for scenario ids: "800k", "step-3000-800-3000", "lte-up-loss2". */
export function linkLabel(link: LinkSpec): string {
  const base =
    link.rate.kind === 'constant'
      ? `${link.steps[0]!.kbps}k`
      : link.rate.kind === 'named'
        ? link.rate.name
        : (link.rate.file.split('/').pop() ?? 'trace').replace(/\.(json|csv)$/i, '');
  const opts = [
    link.lossPercent ? `loss${link.lossPercent}` : '',
    link.delayMs !== undefined ? `d${link.delayMs}` : '',
  ].filter(Boolean);
  return [base, ...opts]
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-');
}
