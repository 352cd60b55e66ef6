// A study file (JSON): the clips of a study with optional content labels, and the plan options the
// command line would otherwise give. Paths are relative to the file. Command-line options win.
//
//   { "clips": [{ "path": "talk.mp4", "label": "talking-head" }, "screen.webm"],
//     "codecs": ["vp8", "vp9"], "scenarios": ["all-layers", "top-off"],
//     "sweeps": ["all-layers:h.maxBitrate=300k:900k:3"], "duration": 6, "browsers": ["chromium", "firefox"] }
import { existsSync } from 'node:fs';
import { parseLinkSpec } from '../link/parseLinkSpec.js';
import path from 'node:path';
import { MAX_DURATION_S } from '../commands/captureOptions.js';
import { InputError } from '../errors.js';
import { readInputFile } from '../io/readInputFile.js';
import type { StudyClip } from './StudyTypes.js';

export interface StudyFile {
  file: string;
  clips: StudyClip[];
  codecs?: string[];
  scenarios?: string[];
  sweeps?: string[];
  bandwidths?: string[];
  duration?: number;
  /** The sender's shaped uplink for every scenario (LINK, src/link/parseLinkSpec.ts); --uplink wins. */
  uplink?: string;
  /** Browser encoders, each by name (chromium, firefox) or by binary path; all run in one run. */
  browsers?: StudyBrowser[];
  /** Publish through this SFU ("janus"). */
  sfu?: string;
  /** Viewer specs SIZE[:POLICY][@LINK], as --viewers. */
  viewers?: string[];
}

export interface StudyBrowser {
  name: 'chromium' | 'firefox';
  /** The binary, when the study file gave a path. */
  path?: string;
}

/** "chromium", "firefox", or a binary path (a name with "firefox" in it is Firefox, any other Chromium). */
function browserOf(entry: string, i: number, file: string): StudyBrowser {
  const name = entry.trim().toLowerCase();
  if (name === 'chromium' || name === 'chrome') return { name: 'chromium' };
  if (name === 'firefox') return { name: 'firefox' };
  if (!entry.includes('/'))
    throw new InputError(
      `${file}: browsers[${i}] ${JSON.stringify(entry)}: not a browser simq drives`,
      '"browsers": ["chromium", "firefox"], or a binary path such as "/usr/bin/chromium"',
    );
  const abs = path.resolve(path.dirname(file), entry);
  return { name: /firefox/i.test(path.basename(abs)) ? 'firefox' : 'chromium', path: abs };
}

const KEYS = [
  'clips',
  'codecs',
  'scenarios',
  'sweeps',
  'bandwidths',
  'duration',
  'browsers',
  'sfu',
  'viewers',
  'uplink',
];
const MAX_STUDY_BYTES = 1 << 20;

function strings(v: unknown, file: string, key: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string' || x.trim() === '')) {
    throw new InputError(
      `${file}: "${key}" must be a non-empty list of strings, not ${JSON.stringify(v)}`,
      `e.g. "${key}": ["..."]`,
    );
  }
  return v as string[];
}

function clipOf(v: unknown, i: number, file: string): StudyClip {
  const base = path.dirname(file);
  if (typeof v === 'string' && v.trim()) return { path: path.resolve(base, v) };
  if (v && typeof v === 'object' && typeof (v as { path?: unknown }).path === 'string') {
    const { path: p, label } = v as { path: string; label?: unknown };
    if (label !== undefined && (typeof label !== 'string' || !/^[\w .-]{1,40}$/.test(label))) {
      throw new InputError(
        `${file}: clips[${i}].label ${JSON.stringify(label)}: use up to 40 letters, digits, spaces, ".", "_", "-"`,
        '"label": "talking-head"',
      );
    }
    return { path: path.resolve(base, p), ...(label ? { label } : {}) };
  }
  throw new InputError(`${file}: clips[${i}] must be a path or {"path": ..., "label": ...}, not ${JSON.stringify(v)}`);
}

export function loadStudyFile(file: string): StudyFile {
  const abs = path.resolve(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readInputFile(abs, MAX_STUDY_BYTES, 'study file'));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${abs}: not valid JSON (${(e as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new InputError(`${abs}: a study file is a JSON object with "clips"`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!KEYS.includes(k)) throw new InputError(`${abs}: unknown key "${k}"`, `keys: ${KEYS.join(', ')}`);
  if (!Array.isArray(o.clips) || o.clips.length === 0)
    throw new InputError(
      `${abs}: "clips" must list at least one clip`,
      '"clips": ["talk.mp4", {"path": "screen.webm", "label": "screen"}]',
    );
  const browsers = strings(o.browsers, abs, 'browsers')?.map((b, i) => browserOf(b, i, abs));
  if (browsers && new Set(browsers.map((b) => b.name)).size !== browsers.length) {
    throw new InputError(
      `${abs}: "browsers" names the same browser twice`,
      '"browsers": ["chromium", "firefox"] (or a binary path for each)',
    );
  }
  if (
    o.duration !== undefined &&
    (typeof o.duration !== 'number' || !(o.duration > 0) || o.duration > MAX_DURATION_S)
  ) {
    throw new InputError(
      `${abs}: "duration" must be seconds > 0 and at most ${MAX_DURATION_S}, not ${JSON.stringify(o.duration)}`,
    );
  }
  if (o.uplink !== undefined) {
    if (typeof o.uplink !== 'string')
      throw new InputError(
        `${abs}: "uplink" must be a LINK string, not ${JSON.stringify(o.uplink)}`,
        '"uplink": "step-3000-800-3000" or "800k,loss=2%"',
      );
    // A trace path in the file is relative to the file; checked now, before anything runs.
    const [head, ...rest] = o.uplink.split(',');
    const beside = path.resolve(path.dirname(abs), head!.trim());
    if (!path.isAbsolute(head!.trim()) && /[/.]/.test(head!) && existsSync(beside))
      o.uplink = [beside, ...rest].join(',');
    parseLinkSpec(o.uplink as string, `${abs}: uplink`);
  }
  return {
    file: abs,
    uplink: o.uplink as string | undefined,
    clips: o.clips.map((c, i) => clipOf(c, i, abs)),
    codecs: strings(o.codecs, abs, 'codecs'),
    scenarios: strings(o.scenarios, abs, 'scenarios')?.map((s) =>
      /\.json$/i.test(s) ? path.resolve(path.dirname(abs), s) : s,
    ),
    sweeps: strings(o.sweeps, abs, 'sweeps'),
    bandwidths: strings(o.bandwidths, abs, 'bandwidths'),
    duration: o.duration as number | undefined,
    browsers,
    ...(o.sfu === undefined ? {} : { sfu: strings([o.sfu], abs, 'sfu')![0] }),
    ...(o.viewers === undefined ? {} : { viewers: strings(o.viewers, abs, 'viewers') }),
  };
}
