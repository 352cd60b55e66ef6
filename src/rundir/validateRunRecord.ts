// run.json comes from disk and may have been edited or crafted: before any stage uses it, it is checked
// against its schema (runSchema.ts). Scenario ids and rids name folders and files, so they may hold no
// separator and no "..", and every file a layer names must stay inside its scenario folder. A wrong
// type is an InputError naming the field by its JSON path, never a TypeError later on.
import path from 'node:path';
import type { z } from 'zod';
import { InputError } from '../errors.js';
import { describe, runRecordSchema, type RunRecord } from './runSchema.js';

/** The path of an issue as the messages write it: scenarios[0].layers[1].rid. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`)).join('');
}

function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  return segments.reduce<unknown>(
    (v, s) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[s] : undefined),
    root,
  );
}

const KIND: Record<string, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
};

/** One issue in the words the hand-written checks used: "<path> must be ..., not <value>". */
export function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const field = jsonPath(issue.path) || 'the file';
  const value = describe(valueAt(root, issue.path));
  switch (issue.code) {
    case 'invalid_type':
      return `${field} must be ${KIND[issue.expected] ?? issue.expected}, not ${value}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `${field} must be ${JSON.stringify(issue.values[0])}, not ${value}`
        : `${field} must be one of ${issue.values.join(', ')}, not ${value}`;
    case 'too_small':
      return `${field} must be a number >= ${String(issue.minimum)}, not ${value}`;
    default:
      return `${field} ${issue.message}`;
  }
}

/** Checks a parsed run.json (schema already matched and upgraded); returns it as written, typed. */
export function validateRunRecord(raw: unknown, file: string): RunRecord {
  const result = runRecordSchema.safeParse(raw);
  if (!result.success) {
    const [first] = result.error.issues;
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : '';
    throw new InputError(
      `${file}: ${describeIssue(first, raw)}${more}`,
      'capture the run again (run.json is written by simq capture and should not be edited)',
    );
  }
  // The record as written, not zod's copy: fields this simq does not know (a newer simq's) are kept.
  return raw as RunRecord;
}

/** Joins a validated name onto a folder and makes sure the result is still inside it. */
export function insideDir(dir: string, ...names: string[]): string {
  const base = path.resolve(dir);
  const full = path.resolve(base, ...names);
  if (full !== base && !full.startsWith(base + path.sep))
    throw new InputError(`${names.join('/')} leads outside ${base}`);
  return full;
}
