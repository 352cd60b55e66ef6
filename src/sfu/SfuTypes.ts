// The SFU behind one small interface: simq starts it, makes a room, publishes the sender's offer,
// subscribes viewers and tells the SFU which layer each viewer gets. Janus (src/sfu/janus/) is the
// one that runs here; another SFU implements the same calls (docs/design-sfu-links.md).

export const SFU_KINDS = ['janus'] as const;
export type SfuKind = (typeof SFU_KINDS)[number];

/** A layer a viewer asks for: the substream (0 = lowest resolution) and the temporal layer. */
export interface LayerRequest {
  substream: number;
  temporal: number;
  /** An SVC publish: the spatial and temporal layer instead (Janus spatial_layer / temporal_layer). */
  svc?: { spatialLayer: number; temporalLayer: number };
}

/** What the SFU said about a viewer (Janus: `substream`, `temporal`, `slowlink` and so on). */
export interface SfuEvent {
  /** Epoch ms when simq received it. */
  epochMs: number;
  /** The viewer it concerns, or undefined for the publisher / the room. */
  viewer?: string;
  kind: string;
  detail: string;
}

/** The room the publisher sends into: what run.json records. */
export interface SfuRoomSettings {
  room: number;
  /** Cap per publisher in bps; 0 = none (the demo room's 128 kbps would starve the layers). */
  bitrate: number;
  videocodec: string;
  publishers: number;
  /** ms without packets before the SFU falls back to a lower substream (Janus `fallback`, us in the API). */
  fallbackUs?: number;
  /** Janus `video_svc`: forward VP9 SVC layers per subscriber (an SVC publish). */
  videoSvc?: boolean;
}

/** What run.json records of the SFU of a scenario. */
export interface SfuRecord {
  kind: SfuKind;
  version: string;
  binary: string;
  binarySource: string;
  /** Every generated setting (the config files' values, ports, interface). */
  settings: Record<string, unknown>;
  room: SfuRoomSettings;
}

export interface PublishRequest {
  offerSdp: string;
  /** Janus VideoRoom's rid order of the offer: "lmh" when sendEncodings are lowest first. */
  ridOrder?: 'lmh' | 'hml';
}

export interface Subscription {
  viewer: string;
  offerSdp: string;
  /** The mid of the video stream in the subscription (configure needs it). */
  mid: string;
}

/** One SFU process and its room, for one scenario. */
export interface Sfu {
  readonly kind: SfuKind;
  /** The room the publisher and viewers join (created by start()). */
  readonly room: SfuRoomSettings;
  start(signal: AbortSignal): Promise<void>;
  /** The publisher's answer SDP. */
  publish(request: PublishRequest): Promise<string>;
  /** A subscriber's offer, for the viewer's page to answer. */
  subscribe(viewer: string): Promise<Subscription>;
  /** Completes a subscription with the viewer page's answer. */
  answer(viewer: string, answerSdp: string): Promise<void>;
  /** Asks the SFU to forward another layer to a viewer; the body sent is returned for the events log. */
  selectLayer(viewer: string, layer: LayerRequest): Promise<Record<string, unknown>>;
  /** Events since the last call. */
  drainEvents(): SfuEvent[];
  record(): SfuRecord;
  /** Stops the process and removes its temp folder; safe to call twice and after a failed start. */
  stop(): Promise<void>;
}
