// --viewers SIZE[:POLICY][@LINK],... (and "viewers" in scenario and study files) into ViewerSpecs.
// POLICY: fixed:<rid>[/T<n>] | table | janus (default table). The link after '@' is a LINK
// (src/link/parseLinkSpec.ts), parsed here so a bad one is refused before anything runs; the capture
// shapes it (src/link/ShapedViewer.ts).
import { InputError } from '../errors.js';
import { parseLinkSpec } from '../link/parseLinkSpec.js';
import { parseSize } from '../units.js';
import type { ViewerPolicy, ViewerSpec } from './ViewerTypes.js';

const EXAMPLE = '--viewers 320x180:fixed:q,1280x720:fixed:f/T1,640x360:table';

function parsePolicy(text: string, where: string): ViewerPolicy {
  if (text === '' || text === 'table') return { kind: 'table' };
  if (text === 'janus') return { kind: 'janus' };
  const fixed = /^fixed:([A-Za-z0-9_-]{1,16})(?:\/T(\d))?$/.exec(text);
  if (fixed) {
    const temporal = fixed[2] === undefined ? undefined : Number(fixed[2]);
    // Janus takes temporal 0-2 (janus_videoroom.c configure "temporal").
    if (temporal !== undefined && temporal > 2) throw new InputError(`${where}: temporal layer T${temporal}: Janus forwards T0 to T2`, 'e.g. fixed:h/T1');
    return { kind: 'fixed', rid: fixed[1], ...(temporal === undefined ? {} : { temporal }) };
  }
  throw new InputError(`${where}: unknown policy "${text}" (use fixed:<rid>[/T<n>], table or janus)`, EXAMPLE);
}

function policyLabel(p: ViewerPolicy): string {
  return p.kind === 'fixed' ? `fixed-${p.rid}${p.temporal === undefined ? '' : `-T${p.temporal}`}` : p.kind;
}

export function parseViewer(text: string, index: number, where = '--viewers'): ViewerSpec {
  const spec = text.trim();
  const at = spec.indexOf('@');
  const main = at < 0 ? spec : spec.slice(0, at);
  const link = at < 0 ? undefined : spec.slice(at + 1);
  if (link !== undefined && link === '') throw new InputError(`${where} ${spec}: nothing after '@' (a link such as 800k)`, EXAMPLE);
  const colon = main.indexOf(':');
  const sizeText = colon < 0 ? main : main.slice(0, colon);
  const size = parseSize(sizeText);
  if (!size || size.width < 16 || size.height < 16 || size.width > 7680 || size.height > 4320) {
    throw new InputError(`${where} ${spec}: "${sizeText}" is not a render size WIDTHxHEIGHT (16x16 to 7680x4320)`, EXAMPLE);
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
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (out.length && out[out.length - 1].includes('@') && !/^\d+\s*[xX]\s*\d+/.test(part)) out[out.length - 1] += `,${part}`;
    else out.push(part);
  }
  return out;
}

export function parseViewers(list: string | readonly string[], where = '--viewers'): ViewerSpec[] {
  const items = (typeof list === 'string' ? splitViewerList(list) : [...list]).map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new InputError(`${where}: empty list`, EXAMPLE);
  return items.map((s, i) => parseViewer(s, i, where));
}

/** Each fixed viewer's rid must be one the sender sends. */
export function checkViewerRids(viewers: readonly ViewerSpec[], rids: readonly string[], where: string): void {
  for (const v of viewers) {
    if (v.policy.kind === 'fixed' && !rids.includes(v.policy.rid)) {
      throw new InputError(`${where}: viewer ${v.spec} asks for rid "${v.policy.rid}", which the sender does not send (rids: ${rids.join(', ')})`, `e.g. ${v.width}x${v.height}:fixed:${rids[0]}`);
    }
  }
}
