// What measuring a viewer works with: the frames it received (<viewer>.frames.csv, the record format
// of docs/design-sfu-links.md "Viewer record"), what became of each frame on the viewer's own
// timeline (viewerTimeline.ts), and what run.json records per viewer (measure.viewers).

/** One frame the viewer's receiver-side encoded transform saw, in arrival order. */
export interface ViewerFrame {
  /** Row of <viewer>.frames.csv (and position in <viewer>.ivf). */
  index: number;
  rtpTimestamp: number;
  /** ms since the sender's track was attached (the scenario's one time base). */
  arrivalMs: number;
  bytes?: number;
  type: 'key' | 'delta';
  width: number;
  height: number;
  /** The layer simq had asked the SFU for when the frame arrived. */
  requestedRid?: string;
  requestedTemporal?: number;
  /** RTCEncodedVideoFrame.getMetadata() frameId / dependencies, when the record has them: the only
   *  per-frame evidence that a reference was lost (a frame the viewer never received). */
  frameId?: number;
  dependencies?: number[];
}

/** One picture the viewer's <video> presented (<viewer>.render.csv, requestVideoFrameCallback). */
export interface RenderedPicture {
  rtpTimestamp: number;
  /** presentationTime, ms on the scenario's time base. */
  presentedMs: number;
  presentedFrames: number;
}

/**
 * What became of a received frame:
 * - shown: on screen at one or more display ticks;
 * - skipped: decodable, but a newer frame had arrived by the next tick (never on screen);
 * - superseded: a keyframe of a burst followed within BURST_TICKS by another keyframe (one picture);
 * - undecodable: before the first keyframe, or a delta whose reference was lost, until the next keyframe;
 * - unrendered: with a render record, a decodable frame the browser never presented.
 */
export type FrameFate = 'shown' | 'skipped' | 'superseded' | 'undecodable' | 'unrendered';

/** One display tick of the viewer's timeline (the source frame rate). */
export interface DisplayTick {
  /** 0, 1, 2 ... from the first picture shown. */
  tick: number;
  /** When the tick shows its picture, ms on the scenario's time base. */
  timeMs: number;
  /** The received frame on screen (ViewerFrame.index). */
  frameIndex: number;
  /** The same picture as the previous tick (a late, missing or undecodable frame): a frozen repeat. */
  repeat: boolean;
}

export interface Freeze {
  /** Tick of the picture that ended the freeze. */
  endTick: number;
  startMs: number;
  durationMs: number;
}

export interface FreezeSummary {
  count: number;
  totalMs: number;
  freezes: Freeze[];
}

export interface ViewerTimeline {
  fates: FrameFate[];
  ticks: DisplayTick[];
  /** Received frames a decoder gets (undecodable ones left out), in order: the decode list. */
  decoded: number[];
  freezes: FreezeSummary;
  /** What placed the pictures in time: the browser's presentations (render record) or the frames' arrival. */
  displaySource: 'rendered' | 'arrival';
}

/** One second of a viewer's timeline (report, run.json). */
export interface ViewerSecond {
  /** Whole seconds on the scenario's time base (floor of the ticks' time). */
  second: number;
  /** The layer on screen for most of the second. */
  layer: string;
  /** Bytes of the frames that arrived in this second, in kbit/s. */
  kbps: number;
  vmaf?: number;
  /** Ticks of this second that were frozen repeats, in seconds. */
  frozenS: number;
  /** Freezes (w3c rule) that ended in this second. */
  freezes: number;
}

/** run.json measure.viewers[]: one viewer of one scenario. */
export interface ViewerMeasureRecord {
  scenarioId: string;
  viewer: string;
  status: 'measured' | 'failed';
  error?: string;
  /** The size the viewer renders at (every picture is scaled to it, as a video element would). */
  renderSize?: string;
  framesReceived?: number;
  framesUndecodable?: number;
  framesSuperseded?: number;
  framesSkipped?: number;
  /** With a render record: decodable frames the browser never presented. */
  framesUnrendered?: number;
  picturesShown?: number;
  /** What placed the pictures in time (viewerTimeline.ts): 'rendered' (the browser's own
   *  presentations, <viewer>.render.csv) or 'arrival' (frames' arrival, runs without a render record). */
  displaySource?: 'rendered' | 'arrival';
  /** With a render record: pictures the element presented without a callback (its presentedFrames jumped). */
  renderMissed?: number;
  /** Display ticks, and those showing a frozen repeat. */
  ticks?: number;
  repeats?: number;
  durationS?: number;
  freezes?: { count: number; totalS: number; list: { startS: number; durationS: number }[] };
  /** inbound-rtp freezeCount / totalFreezesDuration at the end of <viewer>.stats.csv, when present. */
  browserFreezes?: { count: number; totalS: number };
  /** Changes of the layer on screen, and per minute of the timeline. */
  switches?: number;
  switchesPerMinute?: number;
  receivedKbps?: number;
  /** Seconds on screen per layer (rid, or WxH for a size no layer of the run has). */
  timeOnLayerS?: Record<string, number>;
  vmafMean?: number;
  vmafP5?: number;
  /** The same over the ticks from the scenario's steady start on: compares with the sender's layer rows
   *  (quality.csv scores a layer over its steady window). */
  steady?: {
    fromS: number;
    ticks: number;
    vmafMean?: number;
    vmafP5?: number;
    /** With a render record: the same window of the decoder's view (viewerTimeline.ts decoderTicks),
     *  each decoded frame on its source frame and frozen repeats for the source frames between, before
     *  the renderer left any out; the like-for-like comparison with the sender's displayed view of the
     *  same layer. `ticks` counts its pictures, `repeats` the frozen ones. */
    decoder?: {
      ticks: number;
      repeats: number;
      vmafMean?: number;
      vmafP5?: number;
      /** Per whole second of the window: its ticks and their mean (a window compares with the sender's
       *  rows of the same seconds, e.g. from the viewer's first frame of a layer on). */
      seconds?: { second: number; ticks: number; vmafMean?: number }[];
    };
  };
  /** The rules the timeline was built with (viewerTimeline.ts, freezes.ts). */
  settings?: {
    fps: number;
    burstTicks: number;
    tickPhase: number;
    freezeWindowFrames: number;
    freezeMinSamples: number;
    freezeMinIncreaseMs: number;
    scaler: string;
  };
  /** Whether the record carried frame ids (without them a lost reference cannot be seen). */
  lossEvidence?: 'frame-ids' | 'none';
  pairing?: {
    pictures: number;
    verified: number;
    tied: number;
    repaired: number;
    ambiguous: number;
    doubtful: boolean;
  };
  seconds?: ViewerSecond[];
}
