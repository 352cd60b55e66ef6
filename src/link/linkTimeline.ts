// The link timeline of a scenario (<scenario>/uplink.csv): one row per second of qdisc and nft
// counters, on the scenario's time axis (seconds since the sender's track was attached).
import { columnsOf, num, type RowOf } from '../io/csvSchema.js';
import type { LinkSample } from './LinkSchedule.js';

export const LINK_TIMELINE_SCHEMA = {
  t_s: num(),
  /** The rate set on the shaped class at t_s. */
  rate_kbps: num(),
  /** What the class let out since the previous row (kbit/s, frames incl. headers). */
  delivered_kbps: num(),
  /** Packets the full queue dropped since the previous row. */
  drops: num(),
  backlog_bytes: num(),
  /** Packets the random-loss rule dropped since the previous row. */
  loss_drops: num(),
  sent_bytes: num(),
  sent_packets: num(),
};
export type LinkTimelineRow = RowOf<typeof LINK_TIMELINE_SCHEMA>;
export const LINK_TIMELINE_COLUMNS = columnsOf(LINK_TIMELINE_SCHEMA);

export function linkTimelineRows(samples: LinkSample[]): LinkTimelineRow[] {
  return samples.map((s, i) => ({
    t_s: Math.round(s.t_ms) / 1000,
    rate_kbps: s.rate_kbps,
    delivered_kbps: s.delivered_kbps,
    drops: s.drops - (i ? samples[i - 1]!.drops : 0),
    backlog_bytes: s.backlog_bytes,
    loss_drops: s.loss_drops - (i ? samples[i - 1]!.loss_drops : 0),
    sent_bytes: s.sent_bytes,
    sent_packets: s.sent_packets,
  }));
}

/** The row whose time is nearest to t_s (within 0.6 s): the link's second that matches a stats second. */
export function linkRowAt(rows: LinkTimelineRow[], tS: number): LinkTimelineRow | undefined {
  let best: LinkTimelineRow | undefined;
  for (const r of rows)
    if (Math.abs(r.t_s - tS) <= 0.6 && (!best || Math.abs(r.t_s - tS) < Math.abs(best.t_s - tS))) best = r;
  return best;
}
