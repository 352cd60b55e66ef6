// How a total send cap (b=AS / b=TIAS on the answer) reaches the encoder. The encoder never gets the
// whole cap:
// 1. The SDP value becomes the send side's max bitrate (WebRtcVideoSendChannel::SetSenderParameters ->
//    RtpTransportControllerSend::SetSdpBitrateParameters); goog_cc clamps its estimate to it. On a
//    loss-free loopback the estimate settles at the cap (calibration.bweUtilization).
// 2. call/bitrate_allocator.cc gives the only video stream the whole estimate (up to 2x its max:
//    kTransmissionMaxBitrateMultiplier; the part above the max is link headroom).
// 3. call/rtp_video_sender.cc OnBitrateUpdated subtracts per-packet overhead
//    (CalculateOverheadRate: packets/s = rate / (max packet + transport overhead), rounded up, times
//    RTP header + extensions + transport overhead), then protection (FecControllerDefault::
//    UpdateFecRates: NACK/FEC share) and the measured post-encode packetization overhead.
// 4. video/video_send_stream_impl.cc OnBitrateUpdated caps the result at the sum of the active
//    layers' max bitrates; what is above that is link headroom the encoder bitrate adjuster may use.
// The pacing factor (1.1 with send-side BWE) only paces packets and does not lower the target.
import type { SendBudget } from './AllocationTypes.js';
import type { SendSideCalibration } from './Calibration.js';

export function sendBudget(capBps: number | null, encoderMaxBps: number, cal: SendSideCalibration): SendBudget {
  if (capBps === null) {
    // Unconstrained loopback: the estimate climbs past what the stream can use; the encoder gets
    // its max and the bitrate allocator grants up to another max as headroom.
    return {
      capBps: null,
      networkBps: null,
      packetOverheadBps: 0,
      protectionBps: 0,
      postEncodeOverheadBps: 0,
      fixedOverheadBps: 0,
      encoderMaxBps,
      encoderTargetBps: encoderMaxBps,
      headroomBps: encoderMaxBps,
    };
  }
  const networkBps = Math.round(capBps * cal.bweUtilization);
  const packetOverheadBps = packetOverheadRate(networkBps, cal);
  const payloadBps = Math.max(0, networkBps - packetOverheadBps);
  const protectionBps = Math.round(payloadBps * cal.protectionFraction);
  const afterProtection = payloadBps - protectionBps;
  const postEncodeOverheadBps = Math.min(
    Math.round(afterProtection * cal.postEncodeOverheadFraction),
    Math.floor(afterProtection / 2),
  );
  const fixedOverheadBps = Math.min(cal.fixedOverheadBps, afterProtection - postEncodeOverheadBps);
  const available = Math.max(0, afterProtection - postEncodeOverheadBps - fixedOverheadBps);
  const encoderTargetBps = Math.min(available, encoderMaxBps);
  return {
    capBps,
    networkBps,
    packetOverheadBps,
    protectionBps,
    postEncodeOverheadBps,
    fixedOverheadBps,
    encoderMaxBps,
    encoderTargetBps,
    headroomBps: Math.max(0, available - encoderTargetBps),
  };
}

/** RtpVideoSender::CalculateOverheadRate without the WebRTC-Video-UseFrameRateForOverhead trial. */
export function packetOverheadRate(rateBps: number, cal: SendSideCalibration): number {
  const maxTotalPacketBits = (cal.maxPacketBytes + cal.transportOverheadBytes) * 8;
  const packetsPerSecond = Math.ceil(rateBps / maxTotalPacketBits);
  return packetsPerSecond * (cal.rtpHeaderBytes + cal.transportOverheadBytes) * 8;
}
