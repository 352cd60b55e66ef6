// A viewer's rate for the `table` policy when simq does not shape its link. Chrome gives a receiver
// no incoming bandwidth estimate (no availableIncomingBitrate; ../shared/docs/sfu-and-links.md), and
// Janus never switches by bandwidth, so simq estimates from what arrives each second: a clean second
// (loss below LOSS_LIMIT, no new freeze) lets the estimate grow to PROBE_FACTOR x the received rate
// (never below the previous estimate), which is how a forwarded layer can move up; a lossy or frozen
// second sets it to the rate that got through, less BACKOFF. run.json records the source
// ("receive-stats"); with a shaped link the link's own rate is used instead ("link").

export const LOSS_LIMIT = 0.02;
export const PROBE_FACTOR = 1.5;
export const BACKOFF = 0.85;

export interface ReceiveSecond {
  /** Received payload kbit/s over the second (bytesReceived delta). */
  kbps: number;
  /** packetsLost delta / (packetsLost + packetsReceived) delta. */
  lossFraction: number;
  /** freezeCount delta. */
  newFreezes: number;
}

export function nextEstimateKbps(previousKbps: number | undefined, s: ReceiveSecond): number {
  const clean = s.lossFraction < LOSS_LIMIT && s.newFreezes === 0;
  if (clean) return Math.max(previousKbps ?? 0, s.kbps) * PROBE_FACTOR;
  return s.kbps * (1 - s.lossFraction) * BACKOFF;
}
