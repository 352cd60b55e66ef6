// --format jitsi for an SVC sender: the videoQuality.<codec> settings that make lib-jitsi-meet send
// one SVC stream, and the bitrate it caps it with.
//
// lib-jitsi-meet modules/RTC/TPCUtils.ts:
// - the constructor takes videoQuality[codec].scalabilityModeEnabled (when the browser supports the
//   scalabilityMode API), useSimulcast and useKSVC from config.js;
// - _getVideoStreamEncodings: with scalabilityModeEnabled and not useSimulcast (VP9/AV1 only), one
//   active encoding with scalabilityMode useKSVC ? L3T3_KEY : L3T3 and maxBitrate the capture height's
//   level (maxBitratesVideo.high for 720p);
// - _calculateActiveEncodingParams: for a send height of level high/fullHd/ultraHd L3T3(_KEY), for
//   standard (360-540) L2T3(_KEY), below that L1T3.
// service/RTC/StandardVideoQualitySettings.ts: VP9 and AV1 default to SVC (useSimulcast false,
// useKSVC true: L3T3_KEY). So Jitsi can send L3T3 / L3T3_KEY from a 720p+ camera and L2T3 / L2T3_KEY
// from a 360-540p one; any other measured mode cannot be asked of it.
import { InputError } from '../../errors.js';
import type { SvcSender } from '../RecommendationTypes.js';
import type { ExportContext } from './exportContext.js';
import { jitsiLevelForHeight, type JitsiCodecSettings } from './jitsi.js';
import { svcSummary } from './svcLayers.js';

/** The mode lib-jitsi-meet sends for a capture height and useKSVC (TPCUtils _calculateActiveEncodingParams). */
export function jitsiSvcMode(height: number, useKSVC: boolean): string {
  const level = jitsiLevelForHeight(height);
  if (level === 'low') return 'L1T3';
  const s = level === 'standard' ? 2 : 3;
  return `L${s}T3${useKSVC ? '_KEY' : ''}`;
}

export function jitsiSvcSettings(ctx: ExportContext, svc: SvcSender, notes: string[]): JitsiCodecSettings {
  const height = ctx.rec.provenance.clip.height;
  const useKSVC = svc.interLayer === 'key';
  const sends = jitsiSvcMode(height, useKSVC);
  if (sends !== svc.scalabilityMode) {
    throw new InputError(
      `--format jitsi: the sender scenario sends ${svc.scalabilityMode}; from a ${height}p camera Jitsi sends only ${jitsiSvcMode(height, true)} or ${jitsiSvcMode(height, false)} (lib-jitsi-meet TPCUtils.ts, useKSVC)`,
      `measure ${jitsiSvcMode(height, true)} (e.g. --scenario svc-l3t3-key at 720p) and export it with --sender-scenario`,
    );
  }
  const level = jitsiLevelForHeight(height);
  const e = ctx.codec.recommendedEncodings.find((x) => x.rid === svc.rid);
  const settings: JitsiCodecSettings = {
    maxBitratesVideo: {},
    scalabilityModeEnabled: true,
    useSimulcast: false,
    useKSVC,
  };
  if (e?.maxBitrate !== undefined) settings.maxBitratesVideo[level] = e.maxBitrate;
  notes.push(`SVC: ${svcSummary(svc)}. Jitsi caps it with maxBitratesVideo.${level} (the ${height}p capture's level)`);
  notes.push(
    'scalabilityModeEnabled only takes effect where the browser supports the scalabilityMode API (Chromium 113+); elsewhere Jitsi sends simulcast',
  );
  return settings;
}
