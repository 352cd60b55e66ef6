// Turns --scenario values (preset names or JSON files) into validated ScenarioDefinitions.
// A bad file is reported with the file, the field path and what would work (exit code 2).
import { MAX_SCENARIO_FILE_BYTES, readInputFile } from '../io/readInputFile.js';
import { InputError } from '../errors.js';
import { PRESETS } from './presets.js';
import { parseLinkSpec } from '../link/parseLinkSpec.js';
import { allScalabilityModes, isSpatialMode, parseScalabilityMode } from './ScalabilityMode.js';
import {
  CODECS,
  type Codec,
  type ContentHint,
  type RtpEncodingParameters,
  type ScenarioDefinition,
} from './ScenarioTypes.js';

const DEFINITION_FIELDS = [
  'name',
  'description',
  'codec',
  'encodings',
  'duration',
  'warmup',
  'bandwidth',
  'sweep',
  'contentHint',
  'browser',
  'sfu',
  'viewers',
  'uplink',
];
const ENCODING_FIELDS = [
  'rid',
  'scaleResolutionDownBy',
  'scaleResolutionDownTo',
  'maxBitrate',
  'maxFramerate',
  'active',
  'scalabilityMode',
];
const RESTRICTION_FIELDS = ['maxWidth', 'maxHeight'];
/** Largest side accepted in scaleResolutionDownTo (8K is 7680; anything above is a typo). */
const MAX_RESTRICTION_SIDE = 16384;
export const SWEEP_FIELDS = ['maxBitrate', 'maxFramerate', 'scaleResolutionDownBy'] as const;
/** libwebrtc's kMaxSimulcastStreams (api/video_codecs/video_codec.h). */
export const MAX_SIMULCAST_LAYERS = 3;

type Json = unknown;

class Checker {
  constructor(readonly source: string) {}

  fail(path: string, problem: string): never {
    throw new InputError(`${this.source}: ${path}: ${problem}`);
  }

  object(value: Json, path: string, allowed: readonly string[]): Record<string, Json> {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.fail(path, `expected an object, got ${describe(value)}`);
    const obj = value as Record<string, Json>;
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key))
        this.fail(path ? `${path}.${key}` : key, `unknown field (allowed: ${allowed.join(', ')})`);
    }
    return obj;
  }

  string(value: Json, path: string): string {
    if (typeof value !== 'string' || value.length === 0)
      this.fail(path, `expected a non-empty string, got ${describe(value)}`);
    return value;
  }

  boolean(value: Json, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, `expected true or false, got ${describe(value)}`);
    return value;
  }

  positive(value: Json, path: string, what = 'a number > 0'): number {
    if (typeof value !== 'number' || !Number.isFinite(value))
      this.fail(path, `expected ${what}, got ${describe(value)}`);
    if (value <= 0) this.fail(path, `must be > 0, got ${value}`);
    return value;
  }

  bitrate(value: Json, path: string): number {
    const n = this.positive(value, path, 'a bitrate in bits per second (e.g. 1000000)');
    if (!Number.isInteger(n)) this.fail(path, `expected whole bits per second, got ${n}`);
    return n;
  }
}

function describe(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function validateEncodings(c: Checker, value: Json, path: string): RtpEncodingParameters[] {
  if (!Array.isArray(value) || value.length === 0)
    c.fail(path, `expected a non-empty array of encodings, got ${describe(value)}`);
  if (value.length > MAX_SIMULCAST_LAYERS)
    c.fail(path, `${value.length} encodings; libwebrtc sends at most ${MAX_SIMULCAST_LAYERS} simulcast layers`);
  const seen = new Set<string>();
  const anyScaleSet = value.some(
    (raw: Json) =>
      typeof raw === 'object' && raw !== null && (raw as Record<string, Json>).scaleResolutionDownBy !== undefined,
  );
  const encodings = value.map((raw: Json, i: number) => {
    const p = `${path}[${i}]`;
    const o = c.object(raw, p, ENCODING_FIELDS);
    if (o.rid === undefined) c.fail(`${p}.rid`, 'missing (every encoding needs a rid, e.g. "q", "h", "f")');
    const rid = c.string(o.rid, `${p}.rid`);
    // RFC 8851: rid-id = 1*(alpha-numeric / "-" / "_"); also a file name here.
    if (!/^[A-Za-z0-9_-]{1,16}$/.test(rid))
      c.fail(`${p}.rid`, `"${rid}" is not a valid rid (letters, digits, - and _, up to 16)`);
    if (seen.has(rid)) c.fail(`${p}.rid`, `duplicate rid "${rid}" (each encoding needs its own)`);
    seen.add(rid);
    const enc: RtpEncodingParameters = {
      rid,
      scaleResolutionDownBy:
        o.scaleResolutionDownBy === undefined
          ? defaultScale(value.length, i, anyScaleSet)
          : c.positive(o.scaleResolutionDownBy, `${p}.scaleResolutionDownBy`),
      active: o.active === undefined ? true : c.boolean(o.active, `${p}.active`),
    };
    if (o.scaleResolutionDownBy === undefined) enc.scaleResolutionDownByUnset = true;
    if (enc.scaleResolutionDownBy < 1)
      c.fail(
        `${p}.scaleResolutionDownBy`,
        `must be >= 1 (the spec forbids upscaling), got ${enc.scaleResolutionDownBy}`,
      );
    if (o.scaleResolutionDownTo !== undefined)
      enc.scaleResolutionDownTo = restriction(c, o.scaleResolutionDownTo, `${p}.scaleResolutionDownTo`);
    if (o.maxBitrate !== undefined) enc.maxBitrate = c.bitrate(o.maxBitrate, `${p}.maxBitrate`);
    if (o.maxFramerate !== undefined) enc.maxFramerate = c.positive(o.maxFramerate, `${p}.maxFramerate`);
    if (o.scalabilityMode !== undefined) {
      const mode = c.string(o.scalabilityMode, `${p}.scalabilityMode`);
      if (!parseScalabilityMode(mode))
        c.fail(
          `${p}.scalabilityMode`,
          `"${mode}" is not a scalability mode Chrome knows (use one of ${allScalabilityModes().join(', ')})`,
        );
      // Chrome takes a spatial mode on several encodings (addTransceiver), but each encoding would then be
      // an SVC stream of its own; simq measures SVC as one encoding with several spatial layers.
      if (isSpatialMode(mode) && value.length > 1) {
        c.fail(
          `${p}.scalabilityMode`,
          `"${mode}" has several spatial layers: give it a single encoding (SVC), or use L1T1..L1T3 on each of the ${value.length} encodings (simulcast)`,
        );
      }
      enc.scalabilityMode = mode;
    }
    return enc;
  });
  // Chrome rejects a mix (setParameters/addTransceiver: InvalidModificationError): all or none.
  const withTo = encodings.filter((e) => e.scaleResolutionDownTo).length;
  if (withTo > 0 && withTo < encodings.length) {
    const missing = encodings.findIndex((e) => !e.scaleResolutionDownTo);
    c.fail(
      `${path}[${missing}].scaleResolutionDownTo`,
      `missing: set scaleResolutionDownTo on every encoding or on none (${withTo} of ${encodings.length} have it)`,
    );
  }
  return encodings;
}

/**
 * The spec's scale for an encoding without scaleResolutionDownBy: 2^(n-1-i) when no encoding sets
 * one, else 1 (libwebrtc: encoder_stream_factory.cc GetStreamResolutions, HasScaleResolutionDownBy).
 */
export function defaultScale(count: number, index: number, anyScaleSet: boolean): number {
  return anyScaleSet ? 1 : 2 ** (count - 1 - index);
}

function restriction(c: Checker, value: Json, path: string): { maxWidth: number; maxHeight: number } {
  const o = c.object(value, path, RESTRICTION_FIELDS);
  const side = (key: 'maxWidth' | 'maxHeight') => {
    if (o[key] === undefined)
      c.fail(`${path}.${key}`, 'missing (scaleResolutionDownTo needs { "maxWidth": 640, "maxHeight": 360 })');
    const v = c.positive(o[key], `${path}.${key}`, 'a whole number of pixels > 0');
    if (!Number.isInteger(v)) c.fail(`${path}.${key}`, `expected a whole number of pixels, got ${v}`);
    if (v > MAX_RESTRICTION_SIDE) c.fail(`${path}.${key}`, `${v} pixels is more than ${MAX_RESTRICTION_SIDE}`);
    return v;
  };
  return { maxWidth: side('maxWidth'), maxHeight: side('maxHeight') };
}

export function validateDefinition(raw: Json, source: string, pathPrefix = ''): ScenarioDefinition {
  const c = new Checker(source);
  const at = (f: string) => (pathPrefix ? `${pathPrefix}.${f}` : f);
  const o = c.object(raw, pathPrefix, DEFINITION_FIELDS);
  if (o.name === undefined) c.fail(at('name'), 'missing (a scenario needs a name, used as its directory)');
  const name = c.string(o.name, at('name'));
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name))
    c.fail(at('name'), `"${name}" must be letters, digits, '.', '_' or '-' (it names a directory)`);
  if (o.encodings === undefined) c.fail(at('encodings'), 'missing (the list of RTCRtpEncodingParameters to send)');
  const def: ScenarioDefinition = { name, encodings: validateEncodings(c, o.encodings, at('encodings')) };
  if (!def.encodings.some((e) => e.active)) c.fail(at('encodings'), 'no encoding is active: nothing would be sent');
  if (o.description !== undefined) def.description = c.string(o.description, at('description'));
  if (o.codec !== undefined) {
    const codec = c.string(o.codec, at('codec')).toLowerCase();
    if (!(CODECS as readonly string[]).includes(codec))
      c.fail(at('codec'), `unknown codec "${codec}" (use one of ${CODECS.join(', ')})`);
    def.codec = codec as Codec;
  }
  if (o.duration !== undefined) def.duration = c.positive(o.duration, at('duration'), 'seconds > 0');
  if (o.warmup !== undefined) {
    if (typeof o.warmup !== 'number' || o.warmup < 0)
      c.fail(at('warmup'), `expected seconds >= 0, got ${describe(o.warmup)}`);
    def.warmup = o.warmup as number;
  }
  if (def.duration !== undefined && def.warmup !== undefined && def.warmup >= def.duration) {
    c.fail(at('warmup'), `warm-up ${def.warmup} s leaves no steady state in a ${def.duration} s capture`);
  }
  if (o.bandwidth !== undefined) {
    def.bandwidth = Array.isArray(o.bandwidth)
      ? o.bandwidth.map((b: Json, i: number) => c.bitrate(b, `${at('bandwidth')}[${i}]`))
      : c.bitrate(o.bandwidth, at('bandwidth'));
  }
  if (o.browser !== undefined) {
    if (o.browser !== 'chromium' && o.browser !== 'firefox')
      c.fail(at('browser'), `expected "chromium" or "firefox", got ${describe(o.browser)}`);
    def.browser = o.browser as 'chromium' | 'firefox';
  }
  if (o.sfu !== undefined) {
    if (o.sfu !== 'janus') c.fail(at('sfu'), `expected "janus" (the SFU simq runs), got ${describe(o.sfu)}`);
    def.sfu = 'janus';
  }
  if (o.viewers !== undefined) {
    if (!Array.isArray(o.viewers) || o.viewers.length === 0 || o.viewers.some((v: Json) => typeof v !== 'string')) {
      c.fail(
        at('viewers'),
        `expected a non-empty array of "SIZE[:POLICY][@LINK]" strings such as "640x360:fixed:h", got ${describe(o.viewers)}`,
      );
    }
    def.viewers = o.viewers as string[];
  }
  if (o.uplink !== undefined) {
    def.uplink = c.string(o.uplink, at('uplink'));
    // Parsed now, so a bad link is reported with the file and field before anything runs.
    parseLinkSpec(def.uplink, `${c.source}: ${at('uplink')}`);
  }
  if (o.contentHint !== undefined) {
    const hint = o.contentHint;
    if (!['', 'motion', 'detail', 'text'].includes(hint as string))
      c.fail(at('contentHint'), `expected "", "motion", "detail" or "text", got ${describe(hint)}`);
    def.contentHint = hint as ContentHint;
  }
  if (o.sweep !== undefined) {
    const sweep = c.object(o.sweep, at('sweep'), Object.keys(o.sweep as object));
    def.sweep = {};
    for (const [key, values] of Object.entries(sweep)) {
      const kp = `${at('sweep')}.${key}`;
      checkSweepKey(c, key, kp, def.encodings);
      if (!Array.isArray(values) || values.length === 0)
        c.fail(kp, `expected a non-empty array of values, got ${describe(values)}`);
      def.sweep[key] = (values as Json[]).map((v: Json, i: number) => c.positive(v, `${kp}[${i}]`));
    }
  }
  return def;
}

function checkSweepKey(c: Checker, key: string, path: string, encodings: RtpEncodingParameters[]): void {
  const m = /^([^.]+)\.(.+)$/.exec(key);
  if (!m) c.fail(path, `expected "<rid>.<field>", e.g. "h.maxBitrate"`);
  if (!encodings.some((e) => e.rid === m[1]))
    c.fail(path, `no encoding with rid "${m[1]}" (have ${encodings.map((e) => e.rid).join(', ')})`);
  if (!(SWEEP_FIELDS as readonly string[]).includes(m[2]))
    c.fail(path, `cannot sweep "${m[2]}" (use ${SWEEP_FIELDS.join(', ')})`);
}

/** Reads a scenario file: one definition object or an array of them. */
export function loadScenarioFile(file: string): ScenarioDefinition[] {
  const text = readInputFile(file, MAX_SCENARIO_FILE_BYTES, 'scenario file');
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`scenario file ${file}: not valid JSON (${(e as Error).message})`);
  }
  if (Array.isArray(json)) {
    if (json.length === 0) throw new InputError(`scenario file ${file}: the array holds no scenario`);
    const defs = json.map((d, i) => validateDefinition(d, file, `[${i}]`));
    const names = new Set<string>();
    defs.forEach((d, i) => {
      if (names.has(d.name)) throw new InputError(`${file}: [${i}].name: duplicate scenario name "${d.name}"`);
      names.add(d.name);
    });
    return defs;
  }
  return [validateDefinition(json, file)];
}

function looksLikeFile(value: string): boolean {
  return value.endsWith('.json') || value.includes('/');
}

/** Resolves one --scenario value: comma-separated preset names and/or JSON files. */
export function resolveScenarioSpec(spec: string): ScenarioDefinition[] {
  const out: ScenarioDefinition[] = [];
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    // Object.hasOwn: "constructor" or "__proto__" are no presets, whatever Object.prototype holds.
    if (Object.hasOwn(PRESETS, part)) out.push(structuredClone(PRESETS[part]));
    else if (looksLikeFile(part)) out.push(...loadScenarioFile(part));
    else
      throw new InputError(
        `--scenario ${part}: no preset of that name (presets: ${Object.keys(PRESETS).join(', ')}; or give a .json file)`,
      );
  }
  const names = new Set<string>();
  for (const d of out) {
    if (names.has(d.name)) throw new InputError(`--scenario: scenario "${d.name}" is given twice`);
    names.add(d.name);
  }
  return out;
}

export { Checker as ScenarioChecker };
