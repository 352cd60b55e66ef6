// Which substream Janus gives each rid. Janus reads the offer's rid list as highest first unless the
// publish JSEP says rid_order "lmh" (janus.c: jsep "rid_order"; rtp.c janus_rtp_simulcasting_prepare
// reverses the list for "hml"). simq keeps the scenario's order of sendEncodings (reversing it
// changes Chromium's encoder: ../shared/docs/sfu-and-links.md) and tells Janus which order it is.
import type { RtpEncodingParameters } from '../../scenario/ScenarioTypes.js';

/** "lmh" when the encodings go from lowest to highest resolution (scale factors non-increasing). */
export function ridOrderOf(encodings: readonly Pick<RtpEncodingParameters, 'scaleResolutionDownBy'>[]): 'lmh' | 'hml' {
  for (let i = 1; i < encodings.length; i++)
    if (encodings[i].scaleResolutionDownBy > encodings[i - 1].scaleResolutionDownBy) return 'hml';
  return 'lmh';
}

/** rid -> substream (0 = lowest resolution) for the encodings in the order they are sent. */
export function substreamsOf(
  encodings: readonly Pick<RtpEncodingParameters, 'rid' | 'scaleResolutionDownBy'>[],
): Map<string, number> {
  const order = ridOrderOf(encodings);
  return new Map(encodings.map((e, i) => [e.rid, order === 'lmh' ? i : encodings.length - 1 - i]));
}
