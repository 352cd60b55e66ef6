// Types of simq's model of one SVC stream (a VP9 or AV1 encoding with several spatial layers): the
// spatial layers libwebrtc configures and how SvcRateAllocator splits a total over them.
// All rates are bits per second.
import type { Codec } from '../scenario/ScenarioTypes.js';

/** One spatial layer as libwebrtc configures it (api/video_codecs/spatial_layer.h SpatialLayer). */
export interface SvcSpatialLayer {
  /** Spatial index, 0 = smallest. */
  index: number;
  width: number;
  height: number;
  temporalLayers: number;
  active: boolean;
  minBps: number;
  targetBps: number;
  maxBps: number;
}

export interface SvcConfiguration {
  codec: Codec;
  /** The mode asked for. */
  requestedMode: string;
  /** The mode libwebrtc configures: fewer spatial layers when the input is too small (LimitNumSpatialLayers). */
  mode: string;
  layers: SvcSpatialLayer[];
  /** VideoCodec::maxBitrate: the allocator never splits more (svc_rate_allocator.cc Allocate). */
  codecMaxBps: number;
  /** Where the numbers came from, with the upstream file. */
  notes: string[];
}

/** SvcRateAllocator's answer for one total. */
export interface SvcAllocation {
  /** The total after the codec max cap. */
  totalBps: number;
  /** Spatial layers switched on (FindNumEnabledLayers). */
  enabledLayers: number;
  /** Per spatial layer (index order), 0 when off. */
  spatialBps: number[];
  /** Per spatial layer, per temporal layer (not cumulative); [] when off. */
  temporalBps: number[][];
}

/** One operating point an SFU can forward: spatial layers 0..spatial, temporal layers 0..temporal. */
export interface SvcOperatingPointPlan {
  spatial: number;
  temporal: number;
  width: number;
  height: number;
  /** Sum of the allocations of every (s <= spatial, t <= temporal) layer. */
  bps: number;
}

/** What predictSvc.ts gives for one SVC encoding: its configuration, the rate split and the operating points. */
export interface SvcPrediction {
  config: SvcConfiguration;
  allocation: SvcAllocation;
  operatingPoints: SvcOperatingPointPlan[];
}
