// --viewers SIZE[:POLICY][@LINK],... (and "viewers" in scenario and study files) into ViewerSpecs.
// POLICY: fixed:<rid>[/T<n>] | svc:S<n>[T<t>] | table | janus (default table).
// svc is its own kind, not fixed:S1T2: a rid may be any [A-Za-z0-9_-]{1,16} (so "S1T2" could be a
// simulcast rid), and the SFU request differs (Janus spatial_layer/temporal_layer, not substream); the
// S<n>T<t> notation is the scalabilityMode's (W3C webrtc-svc), layer 0 the smallest. The link after '@'
// is a LINK (src/link/parseLinkSpec.ts), parsed here so a bad one is refused before anything runs; the
// capture shapes it (src/link/ShapedViewer.ts).
import { InputError } from '../errors.js';
import { parseLinkSpec } from '../link/parseLinkSpec.js';
import { parseScalabilityMode } from '../scenario/ScalabilityMode.js';
import { parseSize } from '../units.js';
import type { ViewerPolicy, ViewerSpec } from './ViewerTypes.js';

const EXAMPLE = '--viewers 320x180:fixed:q,1280x720:fixed:f/T1,640x360:table';

function parsePolicy(text: string, where: string): ViewerPolicy {
  if (text === '' || text === 'table') return { kind: 'table' };
  if (text === 'janus') return { kind: 'janus' };
  const svc = /^svc:S(\d)(?:T(\d))?$/.exec(text);
  if (svc) {
    const spatial = Number(svc[1]);
    const temporal = svc[2] === undefined ? undefined : Number(svc[2]);
    // Janus takes spatial_layer and temporal_layer 0-2 (janus_videoroom.c configure).
    if (spatial > 2 || (temporal !== undefined && temporal > 2))
      throw new InputError(
        `${where}: svc:S${svc[1]}${svc[2] === undefined ? '' : `T${svc[2]}`}: Janus forwards spatial and temporal layers 0 to 2`,
        'e.g. svc:S1T2',
      );
    return { kind: 'svc', spatial, ...(temporal === undefined ? {} : { temporal }) };
  }
  const fixed = /^fixed:([A-Za-z0-9_-]{1,16})(?:\/T(\d))?$/.exec(text);
  if (fixed) {
    const temporal = fixed[2] === undefined ? undefined : Number(fixed[2]);
    // Janus takes temporal 0-2 (janus_videoroom.c configure "temporal").
    if (temporal !== undefined && temporal > 2)
      throw new InputError(`${where}: temporal layer T${temporal}: Janus forwards T0 to T2`, 'e.g. fixed:h/T1');
    return { kind: 'fixed', rid: fixed[1], ...(temporal === undefined ? {} : { temporal }) };
  }
  throw new InputError(
    `${where}: unknown policy "${text}" (use fixed:<rid>[/T<n>], svc:S<n>[T<t>], table or janus)`,
    EXAMPLE,
  );
}

function policyLabel(p: ViewerPolicy): string {
  if (p.kind === 'svc') return `svc-S${p.spatial}${p.temporal === undefined ? '' : `T${p.temporal}`}`;
  return p.kind === 'fixed' ? `fixed-${p.rid}${p.temporal === undefined ? '' : `-T${p.temporal}`}` : p.kind;
}

export function parseViewer(text: string, index: number, where = '--viewers'): ViewerSpec {
  const spec = text.trim();
  const at = spec.indexOf('@');
  const main = at < 0 ? spec : spec.slice(0, at);
  const link = at < 0 ? undefined : spec.slice(at + 1);
  if (link !== undefined && link === '')
    throw new InputError(`${where} ${spec}: nothing after '@' (a link such as 800k)`, EXAMPLE);
  const colon = main.indexOf(':');
  const sizeText = colon < 0 ? main : main.slice(0, colon);
  const size = parseSize(sizeText);
  if (!size || size.width < 16 || size.height < 16 || size.width > 7680 || size.height > 4320) {
    throw new InputError(
      `${where} ${spec}: "${sizeText}" is not a render size WIDTHxHEIGHT (16x16 to 7680x4320)`,
      EXAMPLE,
    );
  }
  const policy = parsePolicy(colon < 0 ? '' : main.slice(colon + 1), `${where} ${spec}`);
  return {
    name: `v${index + 1}-${size.width}x${size.height}-${policyLabel(policy)}`,
    spec,
    width: size.width,
    height: size.height,
    policy,
    ...(link === undefined ? {} : { link, linkSpec: parseLinkSpec(link, `${where} ${spec}: @LINK`) }),
  };
}

/**
 * Splits a --viewers list. A link has commas of its own (800k,queue=100ms,loss=2%): an item that does
 * not start with a size continues the link of the viewer before it.
 */
export function splitViewerList(text: string): string[] {
  const out: string[] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (out.length && out[out.length - 1].includes('@') && !/^\d+\s*[xX]\s*\d+/.test(part))
      out[out.length - 1] += `,${part}`;
    else out.push(part);
  }
  return out;
}

export function parseViewers(list: string | readonly string[], where = '--viewers'): ViewerSpec[] {
  const items = (typeof list === 'string' ? splitViewerList(list) : [...list]).map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new InputError(`${where}: empty list`, EXAMPLE);
  return items.map((s, i) => parseViewer(s, i, where));
}

/**
 * svc viewers need an SVC sender: one VP9 encoding with spatial layers (Janus 1.1.2 forwards SVC
 * layers for VP9 rooms only: janus_videoroom.c "SVC is only supported, in an experimental way, for
 * VP9"), and a spatial layer the mode has.
 */
export function checkSvcViewers(
  viewers: readonly ViewerSpec[],
  codec: string,
  encodings: readonly { scalabilityMode?: string }[],
  where: string,
): void {
  for (const v of viewers) {
    if (v.policy.kind !== 'svc') continue;
    const mode = encodings.length === 1 ? parseScalabilityMode(encodings[0].scalabilityMode ?? '') : undefined;
    if (!mode || mode.spatialLayers < 2) {
      throw new InputError(
        `${where}: viewer ${v.spec} asks for an SVC layer, but the sender is not one encoding with spatial layers`,
        'use the svc-l3t3-key scenario (one VP9 L3T3_KEY encoding), or fixed:<rid> for simulcast',
      );
    }
    if (codec !== 'vp9')
      throw new InputError(
        `${where}: viewer ${v.spec}: Janus 1.1.2 forwards SVC layers of VP9 only (janus_videoroom.c), not ${codec}`,
        'send VP9 SVC (--scenario svc-l3t3-key)',
      );
    if (v.policy.spatial >= mode.spatialLayers) {
      throw new InputError(
        `${where}: viewer ${v.spec} asks for spatial layer ${v.policy.spatial}; ${mode.name} has ${mode.spatialLayers} (0 to ${mode.spatialLayers - 1})`,
        `e.g. ${v.width}x${v.height}:svc:S${mode.spatialLayers - 1}`,
      );
    }
    if (v.policy.temporal !== undefined && v.policy.temporal >= mode.temporalLayers) {
      throw new InputError(
        `${where}: viewer ${v.spec} asks for temporal layer ${v.policy.temporal}; ${mode.name} has ${mode.temporalLayers} (0 to ${mode.temporalLayers - 1})`,
        `e.g. ${v.width}x${v.height}:svc:S${v.policy.spatial}T${mode.temporalLayers - 1}`,
      );
    }
  }
}

/** Each fixed viewer's rid must be one the sender sends. */
export function checkViewerRids(viewers: readonly ViewerSpec[], rids: readonly string[], where: string): void {
  for (const v of viewers) {
    if (v.policy.kind === 'fixed' && !rids.includes(v.policy.rid)) {
      throw new InputError(
        `${where}: viewer ${v.spec} asks for rid "${v.policy.rid}", which the sender does not send (rids: ${rids.join(', ')})`,
        `e.g. ${v.width}x${v.height}:fixed:${rids[0]}`,
      );
    }
  }
}
