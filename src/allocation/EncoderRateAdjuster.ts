// What outbound-rtp.targetBitrate shows for a layer: not the simulcast allocator's share itself but
// that share after libwebrtc's encoder bitrate adjuster (video/encoder_bitrate_adjuster.cc,
// enabled by default: rtc_base/experiments/rate_control_settings.h bitrate_adjuster = true).
// SendStatisticsProxy::OnBitrateAllocationUpdated stores, per SSRC, the allocation that
// VideoStreamEncoder passes to the encoder, which is the adjusted one.
//
// The adjuster measures how much each layer overshoots its target (link utilization factor, never
// below 1, at most 2) and divides the layer's rate by it, so the layer's real output matches its
// share. When the link allocation has headroom above the encoder target (adjuster_use_headroom,
// on by default), the wanted overshoot is granted from it, in proportion, and the division is
// undone. So: ample bandwidth -> reported target == allocation; a binding cap -> allocation /
// overshoot, but never below the layer's min.

/** Per layer: the predicted outbound-rtp.targetBitrate for each allocated share. */
export function adjustedTargets(
  allocatedBps: readonly number[],
  minBps: readonly number[],
  headroomBps: number,
  overshoot: number,
  /** Layers reported at their share whatever the overshoot (the top layer, see Calibration.adjustTopLayer). */
  exempt: readonly boolean[] = [],
): number[] {
  const u = Math.min(2, Math.max(1, overshoot));
  const wanted = allocatedBps.map((a) => (a > 0 ? (u - 1) * a : 0));
  const wantedSum = wanted.reduce((s, w) => s + w, 0);
  const granted = wantedSum > 0 ? Math.min(1, Math.max(0, headroomBps) / wantedSum) : 0;
  return allocatedBps.map((a, i) => {
    if (a <= 0) return 0;
    if (exempt[i]) return a;
    // utilization_factor *= target / (target + allowed_overshoot)
    let factor = (u * a) / (a + granted * wanted[i]);
    const min = minBps[i];
    if (min > 0 && min < a) factor = Math.min(factor, a / min);
    let adjusted = Math.min(a, Math.round(a / factor));
    if (min > 0 && adjusted < min) adjusted = min;
    return adjusted;
  });
}
