// --sweep [scenario:]rid.field=from:to:count (evenly spaced) or ...=v1,v2 ; bitrates accept 300k / 1.5M.
// With a scenario name in front the sweep applies to that scenario only, else to every scenario.
import { InputError } from '../errors.js';
import { parseBitrate } from '../units.js';
import { SWEEP_FIELDS } from './loadScenarios.js';

/** Most points one sweep may have: each is a scenario of its own (a capture and a measure). */
export const MAX_SWEEP_COUNT = 50;

function parseValue(field: string, text: string, spec: string): number {
  const v = field === 'maxBitrate' ? parseBitrate(text) : Number(text);
  if (!Number.isFinite(v) || v <= 0)
    throw new InputError(
      `--sweep ${spec}: "${text}" is not a ${field === 'maxBitrate' ? 'bitrate such as 600k' : 'number > 0'}`,
    );
  // As in a scenario file (loadScenarios.ts): WebRTC's RTCRtpEncodingParameters never scale up.
  if (field === 'scaleResolutionDownBy' && v < 1)
    throw new InputError(
      `--sweep ${spec}: scaleResolutionDownBy must be >= 1 (the spec forbids upscaling), got ${text}`,
      `--sweep ${spec.replace(/=.*/, '=1,2,4')}`,
    );
  return v;
}

export interface SweepSpec {
  /** Scenario name the sweep is limited to; undefined: every scenario. */
  scenario?: string;
  key: string;
  values: number[];
}

export function parseSweepSpec(spec: string): SweepSpec {
  const m = /^(?:([^=:]+):)?([A-Za-z0-9_-]+)\.([A-Za-z]+)=(.+)$/.exec(spec.trim());
  if (!m)
    throw new InputError(
      `--sweep ${spec}: expected [scenario:]rid.field=from:to:count or rid.field=v1,v2 (e.g. all-layers:h.maxBitrate=300k:1500k:5)`,
    );
  const [, scenario, rid, field, values] = m;
  if (!(SWEEP_FIELDS as readonly string[]).includes(field))
    throw new InputError(`--sweep ${spec}: cannot sweep "${field}" (use ${SWEEP_FIELDS.join(', ')})`);
  const range = values.split(':');
  let list: number[];
  if (range.length === 3) {
    const from = parseValue(field, range[0], spec);
    const to = parseValue(field, range[1], spec);
    const count = Number(range[2]);
    if (!/^\d+$/.test(range[2]) || !Number.isInteger(count) || count < 2 || count > MAX_SWEEP_COUNT) {
      throw new InputError(
        `--sweep ${spec}: the count "${range[2]}" must be a whole number from 2 to ${MAX_SWEEP_COUNT} (each point is a scenario of its own)`,
      );
    }
    if (to <= from) throw new InputError(`--sweep ${spec}: "to" must be above "from"`);
    list = Array.from({ length: count }, (_, i) => from + ((to - from) * i) / (count - 1));
    if (field === 'maxBitrate') list = list.map(Math.round);
  } else if (range.length === 1) {
    list = values.split(',').map((v) => parseValue(field, v, spec));
    if (list.length > MAX_SWEEP_COUNT)
      throw new InputError(
        `--sweep ${spec}: ${list.length} values; at most ${MAX_SWEEP_COUNT} (each is a scenario of its own)`,
      );
  } else {
    throw new InputError(`--sweep ${spec}: a range is from:to:count`);
  }
  return { scenario, key: `${rid}.${field}`, values: [...new Set(list)] };
}

export function parseSweepOption(specs: string[]): SweepSpec[] {
  const out = specs.map(parseSweepSpec);
  const seen = new Set<string>();
  for (const s of out) {
    const id = `${s.scenario ?? '*'}:${s.key}`;
    if (seen.has(id)) throw new InputError(`--sweep ${s.scenario ? `${s.scenario}:` : ''}${s.key} is given twice`);
    seen.add(id);
  }
  return out;
}
