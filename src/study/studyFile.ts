// A study file (JSON): the clips of a study with optional content labels, and the plan options the
// command line would otherwise give. Paths are relative to the file. Command-line options win.
//
//   { "clips": [{ "path": "talk.mp4", "label": "talking-head" }, "screen.webm"],
//     "codecs": ["vp8", "vp9"], "scenarios": ["all-layers", "top-off"],
//     "sweeps": ["all-layers:h.maxBitrate=300k:900k:3"], "duration": 6, "browsers": ["chromium", "firefox"] }
import { existsSync } from 'node:fs';
import { parseLinkSpec } from '../link/parseLinkSpec.js';
import path from 'node:path';
import { InputError } from '../errors.js';
import { readInputFile } from '../io/readInputFile.js';
import type { StudyClip } from './StudyTypes.js';
import { studyFileSchema, studyProblem, type StudyFileInput } from './studySchema.js';

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

const MAX_STUDY_BYTES = 1 << 20;

/** The file checked against its schema (studySchema.ts): the first problem, named by key or entry. */
function checkStudyFile(abs: string, raw: unknown): StudyFileInput {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new InputError(`${abs}: a study file is a JSON object with "clips"`);
  const result = studyFileSchema.safeParse(raw);
  if (result.success) return raw as StudyFileInput;
  // An unknown key (a typo) first: it may be why a known one is missing.
  const issues = [...result.error.issues].sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  );
  const { message, fix } = studyProblem(issues[0], raw as Record<string, unknown>);
  throw new InputError(`${abs}: ${message}`, fix);
}

function clipOf(v: StudyFileInput['clips'][number], base: string): StudyClip {
  if (typeof v === 'string') return { path: path.resolve(base, v) };
  return { path: path.resolve(base, v.path), ...(v.label ? { label: v.label } : {}) };
}

/** A trace path in "uplink" is relative to the file; the spec is checked now, before anything runs. */
function uplinkOf(abs: string, uplink: string | undefined): string | undefined {
  if (uplink === undefined) return undefined;
  const [head, ...rest] = uplink.split(',');
  const beside = path.resolve(path.dirname(abs), head!.trim());
  const resolved =
    !path.isAbsolute(head!.trim()) && /[/.]/.test(head!) && existsSync(beside) ? [beside, ...rest].join(',') : uplink;
  parseLinkSpec(resolved, `${abs}: uplink`);
  return resolved;
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
  const o = checkStudyFile(abs, raw);
  const browsers = o.browsers?.map((b, i) => browserOf(b, i, abs));
  if (browsers && new Set(browsers.map((b) => b.name)).size !== browsers.length) {
    throw new InputError(
      `${abs}: "browsers" names the same browser twice`,
      '"browsers": ["chromium", "firefox"] (or a binary path for each)',
    );
  }
  return {
    file: abs,
    uplink: uplinkOf(abs, o.uplink),
    clips: o.clips.map((c) => clipOf(c, path.dirname(abs))),
    codecs: o.codecs,
    scenarios: o.scenarios?.map((s) => (/\.json$/i.test(s) ? path.resolve(path.dirname(abs), s) : s)),
    sweeps: o.sweeps,
    bandwidths: o.bandwidths,
    duration: o.duration,
    browsers,
    ...(o.sfu === undefined ? {} : { sfu: o.sfu }),
    ...(o.viewers === undefined ? {} : { viewers: o.viewers }),
  };
}
