// TypeScript declarations for the ES-module exports. tsc does not read a .mjs without allowJs, so
// `simq recommend --format mediasoup|livekit --out x.mjs` also writes x.d.mts beside it: TypeScript
// resolves an import of './x.mjs' to './x.d.mts'. The declarations are fixed text (no run data), and
// the LiveKit one names livekit-client's own types so `tsc --strict` checks them against the SDK.

const PROVENANCE = `/** The run this module came from. */
export interface SimqProvenance {
  generatedBy: string;
  runId: string;
  clip: string;
  clipSize: string;
  codec: string;
  senderScenario: string | null;
  runDate: string;
  generatedAt: string;
  target: string;
}
export declare const simqProvenance: SimqProvenance;
`;

/** Structural types: mediasoup-client's RtpEncodingParameters and mediasoup's ConsumerLayers accept them. */
const MEDIASOUP = `// Declarations for the simq mediasoup export (written by simq recommend; see the .mjs beside it).
${PROVENANCE}
/** An RTCRtpEncodingParameters (mediasoup-client ProducerOptions.encodings entry); no rid for an SVC sender's one encoding. */
export interface SimqEncoding {
  rid?: string;
  active: boolean;
  scaleResolutionDownBy: number;
  maxBitrate?: number;
  maxFramerate?: number;
  scalabilityMode?: string;
}
/** mediasoup ConsumerLayers, for consumer.setPreferredLayers(). */
export interface SimqConsumerLayers {
  spatialLayer: number;
  temporalLayer?: number;
}
export interface SimqLayerSwitching {
  rid: string;
  spatialLayer: number;
  temporalLayer: number;
  bitrateBps: number;
  upSwitchBps: number;
  downSwitchBps: number;
}
export interface SimqPreferredLayersRow {
  viewerSize: string;
  viewerWidth: number;
  viewerHeight: number;
  bandwidthBps: number;
  rid: string | null;
  preferredLayers: SimqConsumerLayers | null;
}
export interface SimqPreferredLayersBySizeRow {
  viewerSize: string;
  viewerWidth: number;
  viewerHeight: number;
  rid: string;
  preferredLayers: SimqConsumerLayers;
}
/** An SVC sender: its scalabilityMode and spatial layers (0 the smallest). */
export interface SimqSvc {
  scalabilityMode: string;
  spatialLayers: { spatialLayer: number; size: string; rid: string }[];
  uploadBps: number;
}
/** Simulcast: lowest resolution first, encodings[i] is spatial layer i. SVC: one encoding with scalabilityMode. */
export declare const simqEncodings: SimqEncoding[];
/** null when the sender is simulcast. */
export declare const simqSvc: SimqSvc | null;
export declare const simqLayerSwitching: SimqLayerSwitching[];
export declare const simqPreferredLayersBySize: SimqPreferredLayersBySizeRow[];
export declare const simqPreferredLayersTable: SimqPreferredLayersRow[];
/** The layers for a viewer of that size and bandwidth; null: nothing fits, pause the consumer. */
export declare function simqPreferredLayers(viewerWidth: number, viewerHeight: number, availableBps: number): SimqConsumerLayers | null;
`;

const LIVEKIT = `// Declarations for the simq LiveKit export (written by simq recommend; see the .mjs beside it).
import type { TrackPublishOptions, VideoResolution } from 'livekit-client';
${PROVENANCE}
/** The capture size the run measured: createLocalVideoTrack({ resolution: simqCaptureResolution }). */
export declare const simqCaptureResolution: VideoResolution & { frameRate: number };
/** room.localParticipant.publishTrack(track, simqPublishOptions), or new Room({ publishDefaults: simqPublishOptions }). */
export declare const simqPublishOptions: TrackPublishOptions;
`;

const DECLARATIONS: Record<string, string> = { mediasoup: MEDIASOUP, livekit: LIVEKIT };

/** The .d.mts text of an export format, or undefined when it is not an ES module. */
export function exportDeclaration(format: string): string | undefined {
  return DECLARATIONS[format];
}

/** Where TypeScript looks for the declarations of a module file: x.mjs -> x.d.mts, x.js -> x.d.ts. */
export function declarationPath(modulePath: string): string | undefined {
  const m = /^(.*)\.(mjs|js)$/.exec(modulePath);
  if (!m) return undefined;
  return m[2] === 'mjs' ? `${m[1]}.d.mts` : `${m[1]}.d.ts`;
}
