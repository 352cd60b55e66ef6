// A viewer: a subscriber of the SFU with a render size, a layer policy and optionally a shaped
// downlink (src/link/ShapedViewer.ts). Spec syntax (README "Viewers"): SIZE[:POLICY][@LINK], e.g. 320x180:fixed:q,
// 1280x720:fixed:f/T1, 640x360:table, 640x360:janus@800k, 640x360:svc:S1T2.

import type { LinkSpec } from '../link/LinkTypes.js';

/** fixed: always this rid (and temporal layer; absent = all of them, Janus's temporal 2). */
export interface FixedPolicy {
  kind: 'fixed';
  rid: string;
  temporal?: number;
}

/** table: the Janus export's subscriber table and up/down thresholds, fed with a rate each second. */
export interface TablePolicy {
  kind: 'table';
}

/** janus: Janus's own behaviour only (the top substream asked once; its `fallback` when packets stop). */
export interface JanusPolicy {
  kind: 'janus';
}

/**
 * svc: always this operating point of an SVC publish (one VP9 encoding with spatial layers): Janus
 * configure spatial_layer / temporal_layer (janus_videoroom.c), spatial 0 the smallest layer as
 * libwebrtc numbers them (svc_config.cc). Absent temporal = all of them (temporal_layer 2).
 */
export interface SvcPolicy {
  kind: 'svc';
  spatial: number;
  temporal?: number;
}

export type ViewerPolicy = FixedPolicy | TablePolicy | JanusPolicy | SvcPolicy;

export interface ViewerSpec {
  /** File-name-safe and unique in a scenario, e.g. "v1-320x180-fixed-q". */
  name: string;
  /** As written. */
  spec: string;
  width: number;
  height: number;
  policy: ViewerPolicy;
  /** The link as written after '@'. */
  link?: string;
  /** The link parsed (src/link/parseLinkSpec.ts): this viewer's downlink is shaped in its own namespace. */
  linkSpec?: LinkSpec;
}

/** Where a table viewer's rate came from (run.json and events.csv record it). */
export type RateSource = 'link' | 'receive-stats';

/** One row of <viewer>.frames.csv: declared once, with the measure's reader, in rundir/CsvTypes.ts. */
export type { ViewerFrameRow } from '../rundir/CsvTypes.js';

/** inbound-rtp fields of <viewer>.stats.csv, each second. */
export const VIEWER_STATS_FIELDS = [
  'framesReceived',
  'framesDecoded',
  'framesDropped',
  'freezeCount',
  'totalFreezesDuration',
  'nackCount',
  'pliCount',
  'firCount',
  'jitterBufferDelay',
  'jitterBufferEmittedCount',
  'bytesReceived',
  'packetsLost',
  'frameWidth',
  'frameHeight',
  'framesPerSecond',
] as const;

export const VIEWER_STATS_COLUMNS = ['t_ms', ...VIEWER_STATS_FIELDS] as const;

export const VIEWER_EVENT_COLUMNS = ['t_ms', 'source', 'kind', 'detail'] as const;

/** One row of <viewer>.events.csv: what simq asked (source simq) and what the SFU said (source janus). */
export interface ViewerEventRow {
  t_ms: number;
  source: 'simq' | 'janus';
  kind: string;
  detail: string;
}

/** What run.json records of a viewer of a scenario. */
export interface ViewerRecord extends ViewerSpec {
  /** table viewers: where the rate came from. */
  rateSource?: RateSource;
  /** table viewers: the export the table was read from. */
  table?: string;
  /** link: a shaped viewer's link timeline (its record is in scenarios[].links[], role "downlink"). */
  files: { bitstream?: string; frames: string; stats: string; events: string; render?: string; link?: string };
  framesReceived: number;
  /** Layer changes simq asked for (the first request included). */
  requests: number;
}
