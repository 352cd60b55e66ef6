// The study file's one definition: its type (z.infer), the check loadStudyFile() runs, and the
// published JSON Schema (schemas/study.schema.json, written by `npm run schemas`). The messages name
// the key and, inside a list, the entry (clips[1].label), with the fix the user needs.
import { z } from 'zod';
import { MAX_DURATION_S } from '../commands/captureOptions.js';
import { jsonPath } from '../rundir/validateRunRecord.js';

/** A clip's content label: it is printed in tables and used in file names of exports. */
const LABEL = /^[\w .-]{1,40}$/;

const text = z.string().refine((s) => s.trim() !== '');
const list = z.array(text).min(1);

const clipEntry = z.union([text, z.object({ path: z.string(), label: z.string().regex(LABEL).optional() })]);

/** The file as written; paths in it are relative to the file (loadStudyFile resolves them). */
export const studyFileSchema = z.strictObject({
  /** Each a path, or {"path": ..., "label": "talking-head"}. */
  clips: z.array(clipEntry).min(1),
  codecs: list.optional(),
  /** Preset names or scenario files (*.json, relative to the study file). */
  scenarios: list.optional(),
  sweeps: list.optional(),
  bandwidths: list.optional(),
  /** Seconds per scenario. */
  duration: z.number().gt(0).max(MAX_DURATION_S).optional(),
  /** Browser encoders, each by name (chromium, firefox) or by binary path; all run in one run. */
  browsers: list.optional(),
  /** Publish through this SFU ("janus"). */
  sfu: text.optional(),
  /** Viewer specs SIZE[:POLICY][@LINK], as --viewers. */
  viewers: list.optional(),
  /** The sender's shaped uplink for every scenario (LINK, src/link/parseLinkSpec.ts); --uplink wins. */
  uplink: z.string().optional(),
});

export type StudyFileInput = z.infer<typeof studyFileSchema>;

export const STUDY_KEYS = Object.keys(studyFileSchema.shape);

/** The message and the fix for the first problem of a study file, naming the key or entry. */
export function studyProblem(issue: z.core.$ZodIssue, raw: Record<string, unknown>): { message: string; fix?: string } {
  if (issue.code === 'unrecognized_keys')
    return { message: `unknown key "${issue.keys[0]}"`, fix: `keys: ${STUDY_KEYS.join(', ')}` };
  const [key, index] = issue.path as [string, number | undefined];
  const value = raw[key];
  if (key === 'clips') return clipProblem(value, index);
  if (key === 'duration')
    return {
      message: `"duration" must be seconds > 0 and at most ${MAX_DURATION_S}, not ${JSON.stringify(value)}`,
    };
  if (key === 'uplink')
    return {
      message: `"uplink" must be a LINK string, not ${JSON.stringify(value)}`,
      fix: '"uplink": "step-3000-800-3000" or "800k,loss=2%"',
    };
  if (key === 'sfu')
    return { message: `"sfu" must be a non-empty string, not ${JSON.stringify(value)}`, fix: '"sfu": "janus"' };
  const at = index === undefined ? '' : ` (${jsonPath(issue.path)})`;
  return {
    message: `"${key}" must be a non-empty list of strings, not ${JSON.stringify(value)}${at}`,
    fix: `e.g. "${key}": ["..."]`,
  };
}

function clipProblem(clips: unknown, i: number | undefined): { message: string; fix?: string } {
  if (i === undefined || !Array.isArray(clips))
    return {
      message: '"clips" must list at least one clip',
      fix: '"clips": ["talk.mp4", {"path": "screen.webm", "label": "screen"}]',
    };
  const v = clips[i] as { path?: unknown; label?: unknown } | undefined;
  if (v && typeof v === 'object' && typeof v.path === 'string')
    return {
      message: `clips[${i}].label ${JSON.stringify(v.label)}: use up to 40 letters, digits, spaces, ".", "_", "-"`,
      fix: '"label": "talking-head"',
    };
  return { message: `clips[${i}] must be a path or {"path": ..., "label": ...}, not ${JSON.stringify(v)}` };
}
