// The decoder for an SVC operating point's file. A VP9 point packet is a superframe of the layer
// frames it needs; libvpx marks every spatial layer frame shown (Chromium's
// media/gpu/v4l2/v4l2_vp9_helpers.h rewrites show_frame for that reason before hardware decoders that
// would show each), so ffmpeg's own vp9 decoder (which
// splits superframes, vp9_superframe_split_bsf.c) would output one picture per layer frame, while
// libvpx's decoder (vp9_dx_iface.c decoder_decode) decodes the whole superframe and returns its last
// picture: the point's layer, as a receiver behind an SFU shows it. AV1: ffmpeg 4.1 has libaom-av1
// only, which outputs one picture per temporal unit (output_all_layers off).
import type { LayerRecord } from '../rundir/RunTypes.js';

export function svcDecoder(codec: string, layer: Pick<LayerRecord, 'svcPoint'>): string | undefined {
  if (!layer.svcPoint) return undefined;
  return codec === 'vp9' ? 'libvpx-vp9' : undefined;
}
