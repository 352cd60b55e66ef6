// The picture size a VP8 keyframe carries (RFC 6386 section 9.1: 3-byte frame tag with bit 0 = 0 for
// a keyframe, start code 9d 01 2a, then 14-bit width and height, little endian, top 2 bits = scale).
// The receiver's frame metadata may leave width/height at 0; the bitstream itself says the size.

export function vp8KeyframeSize(data: Uint8Array): { width: number; height: number } | undefined {
  if (data.length < 10 || (data[0] & 1) !== 0) return undefined;
  if (data[3] !== 0x9d || data[4] !== 0x01 || data[5] !== 0x2a) return undefined;
  return { width: (data[6] | (data[7] << 8)) & 0x3fff, height: (data[8] | (data[9] << 8)) & 0x3fff };
}
