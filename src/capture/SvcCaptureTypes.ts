// Types of an SVC capture: the tapped layer frames of the one SSRC and the operating points cut from them.

/** One tapped frame of one spatial layer (each spatial layer of a picture is its own frame at the tap). */
export interface SvcFrame {
  rtpTimestamp: number;
  timeS: number;
  bytes: number;
  type: 'key' | 'delta';
  spatialIndex?: number;
  temporalIndex?: number;
  frameId?: number;
  dependencies?: number[];
  width: number;
  height: number;
}

/** One packet of an operating point: the frames (positions in capture order) of one picture it needs. */
export interface SvcPacket {
  frames: number[];
  rtpTimestamp: number;
  timeS: number;
  temporalIndex?: number;
  key: boolean;
  width: number;
  height: number;
  /** The frames' payload bytes summed (what an SFU forwards, container bytes excluded). */
  bytes: number;
  /** Set when the picture lacks layer S (the encoder skipped it): the lower layer the decoder shows. */
  shownLayer?: number;
}

/** What run.json records of an SVC encoding (LayerRecord.svc). */
export interface SvcRecord {
  /** The mode the scenario asked for. */
  requestedMode: string;
  /** outbound-rtp.scalabilityMode at the end of the capture. */
  reportedMode?: string;
  /** Spatial indices seen in the steady window, with each one's frame size(s). */
  spatialLayersSeen: { spatial: number; sizes: string[]; frames: number }[];
  /** True when the browser sent what was asked; otherwise `problem` says what it did instead. */
  honoured: boolean;
  problem?: string;
  /** How operating points were cut: from the frames' dependencies, or every layer <= S (no frame ids). */
  cut: 'dependencies' | 'spatial-index';
  /** The raw tap (every layer frame in capture order) as written. */
  rawBitstream: string;
  /** Per spatial layer: simq plan's share next to the rate of its tapped bytes in the steady window. */
  layersVsPlan: SvcLayerVsPlan[];
}

export interface SvcLayerVsPlan {
  spatial: number;
  size: string;
  predictedKbps: number;
  /** Bytes of the layer's frames in the steady window x 8 / its seconds. */
  measuredKbps: number;
  /** (measured - predicted) / predicted. */
  deviation: number;
}

/** LayerRecord.svcPoint: this layer is operating point (spatial, top temporal) of encoding `of`. */
export interface SvcPointRecord {
  of: string;
  spatial: number;
  temporalLayers: number;
  /** Frames of the raw tap this point forwards, and packets (pictures) it shows. */
  frames: number;
  packets: number;
  /** Pictures of the steady window that show a lower layer (the encoder skipped this one there; svcCut.ts). */
  lowerLayerPictures?: number;
  /** Pictures of the steady window, for the share above. */
  steadyPictures?: number;
}
