// Cutting SVC operating points, on frame lists built by hand whose answers are known: a key picture
// with inter-layer prediction, then delta pictures that (K-SVC) reference their own layer only, or
// (full SVC) the layer below in the same picture too. The VP9 superframe index is written out byte by
// byte from the VP9 bitstream spec, Annex B.
import { describe, expect, it } from 'vitest';
import { cutOperatingPoint, neededFrames, packetPayload, vp9SuperframeIndex } from '../src/capture/svcCut.js';
import type { SvcFrame } from '../src/capture/SvcCaptureTypes.js';

const SIZES = [
  [320, 180],
  [640, 360],
  [1280, 720],
];
let nextId = 1;
function frame(
  picture: number,
  spatial: number,
  temporal: number,
  deps: number[],
  bytes: number,
  key = false,
): SvcFrame {
  const [width, height] = SIZES[spatial];
  return {
    rtpTimestamp: 3000 * picture,
    timeS: picture / 30,
    bytes,
    type: key ? 'key' : 'delta',
    spatialIndex: spatial,
    temporalIndex: temporal,
    frameId: nextId++,
    dependencies: deps,
    width,
    height,
  };
}

/** Three pictures of three layers; ids 1..9 in capture order. K-SVC: deltas reference their own layer. */
function ksvc(): SvcFrame[] {
  nextId = 1;
  return [
    frame(0, 0, 0, [], 1000, true),
    frame(0, 1, 0, [1], 2000),
    frame(0, 2, 0, [2], 4000),
    frame(1, 0, 1, [1], 100),
    frame(1, 1, 1, [2], 200),
    frame(1, 2, 1, [3], 400),
    frame(2, 0, 0, [1], 110),
    frame(2, 1, 0, [2], 220),
    frame(2, 2, 0, [3], 440),
  ];
}

/** Full SVC: every delta layer also references the layer below in its picture. */
function full(): SvcFrame[] {
  nextId = 1;
  return [
    frame(0, 0, 0, [], 1000, true),
    frame(0, 1, 0, [1], 2000),
    frame(0, 2, 0, [2], 4000),
    frame(1, 0, 1, [1], 100),
    frame(1, 1, 1, [2, 4], 200),
    frame(1, 2, 1, [3, 5], 400),
  ];
}

describe('neededFrames', () => {
  it('K-SVC: the top point forwards the key picture whole, then layer 2 alone', () => {
    expect(neededFrames(ksvc(), 2, 1)).toEqual([true, true, true, false, false, true, false, false, true]);
  });
  it('K-SVC: the middle point at T0 drops every T1 frame and layer 2', () => {
    expect(neededFrames(ksvc(), 1, 0)).toEqual([true, true, false, false, false, false, false, true, false]);
  });
  it('full SVC: every layer below S of each picture', () => {
    expect(neededFrames(full(), 2, 1)).toEqual([true, true, true, true, true, true]);
    expect(neededFrames(full(), 1, 1)).toEqual([true, true, false, true, true, false]);
  });
  it('without frame ids: every layer <= S and temporal <= T', () => {
    const frames = ksvc().map((f) => ({ ...f, frameId: undefined }));
    expect(neededFrames(frames, 1, 0)).toEqual([true, true, false, false, false, false, true, true, false]);
  });
});

describe('cutOperatingPoint', () => {
  it('one packet per picture of layer S, its bytes the sum of the frames forwarded with it', () => {
    const packets = cutOperatingPoint(ksvc(), 2, 1);
    expect(packets.map((p) => p.frames)).toEqual([[0, 1, 2], [5], [8]]);
    expect(packets.map((p) => p.bytes)).toEqual([7000, 400, 440]);
    expect(packets.map((p) => [p.width, p.height, p.key, p.temporalIndex])).toEqual([
      [1280, 720, true, 0],
      [1280, 720, false, 1],
      [1280, 720, false, 0],
    ]);
  });
  // The receiver shows such a picture at the lower layer's size, at its own time: dav1d given the
  // operating point (ffmpeg -c:v libdav1d -oppoint 3) decoded an AV1 L3T3 capture whose encoder skipped
  // S1 in 21 of 141 pictures to 118 pictures at 640x360 and 21 at 320x180.
  it('needed frames of a picture without layer S are a packet of their own, shown at the lower size', () => {
    const frames = ksvc();
    frames.splice(2, 1); // picture 0 lost its layer 2 frame (the layer was not on yet)
    frames[4].dependencies = [2]; // picture 1's layer-2 frame now starts from layer 1 of picture 0
    const packets = cutOperatingPoint(frames, 2, 1);
    expect(packets.map((p) => p.frames)).toEqual([[0, 1], [4], [7]]);
    expect(packets[0]).toMatchObject({ bytes: 1000 + 2000, width: 640, height: 360, shownLayer: 1, key: true });
    expect(packets[1]).toMatchObject({ bytes: 400, width: 1280, height: 720, rtpTimestamp: 3000 });
    expect(packets[1].shownLayer).toBeUndefined();
  });

  it('full SVC: a picture whose layer S the encoder skipped still forwards its lower layers', () => {
    nextId = 1;
    const frames = [
      frame(0, 0, 0, [], 1000, true),
      frame(0, 1, 0, [1], 2000),
      frame(1, 0, 0, [1], 100), // layer 1 of picture 1 skipped
      frame(2, 0, 0, [3], 110),
      frame(2, 1, 0, [4, 2], 220),
    ];
    const packets = cutOperatingPoint(frames, 1, 1);
    expect(packets.map((p) => [p.rtpTimestamp, p.width, p.shownLayer])).toEqual([
      [0, 640, undefined],
      [3000, 320, 0],
      [6000, 640, undefined],
    ]);
  });
});

describe('L modes: the decode target, referenced or not', () => {
  // An S0 frame nothing references (a top temporal layer) in a picture whose S1 the encoder skipped:
  // an SFU forwarding S1 of an L mode forwards every S0 frame (they are all in S1's decode target),
  // and dav1d -oppoint shows that picture; the reference closure alone would leave it out.
  it("interLayer 'on' keeps every layer <= S; the closure (K-SVC) only what layer S references", () => {
    nextId = 1;
    const frames = [
      frame(0, 0, 0, [], 1000, true),
      frame(0, 1, 0, [1], 2000),
      frame(1, 0, 1, [1], 100), // not referenced; its S1 skipped
      frame(2, 0, 0, [1], 110),
      frame(2, 1, 0, [4, 2], 220),
    ];
    expect(cutOperatingPoint(frames, 1, 1, 'on').map((p) => p.frames)).toEqual([[0, 1], [2], [3, 4]]);
    expect(cutOperatingPoint(frames, 1, 1, 'key').map((p) => p.frames)).toEqual([
      [0, 1],
      [3, 4],
    ]);
  });
});

describe('VP9 superframe', () => {
  it('index: marker 0b110 mmm fff, little-endian sizes, marker again', () => {
    // sizes 1000 and 300 need 2 bytes each: marker = 0xc0 | (2-1)<<3 | (2-1) = 0xc9.
    expect([...vp9SuperframeIndex([1000, 300])]).toEqual([0xc9, 0xe8, 0x03, 0x2c, 0x01, 0xc9]);
    expect([...vp9SuperframeIndex([5, 7, 9])]).toEqual([0xc2, 5, 7, 9, 0xc2]);
  });
  it('payload: the frames then the index; AV1: the OBUs back to back', () => {
    const a = Uint8Array.from([1, 2]);
    const b = Uint8Array.from([3]);
    expect([...packetPayload('vp9', [a, b])]).toEqual([1, 2, 3, 0xc1, 2, 1, 0xc1]);
    expect([...packetPayload('vp9', [a])]).toEqual([1, 2]);
    expect([...packetPayload('av1', [a, b])]).toEqual([1, 2, 3]);
  });
});
