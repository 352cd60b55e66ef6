// run.json comes from disk and may have been edited or crafted: before any stage uses it, the fields
// that become paths, names or numbers are checked. Scenario ids and rids name folders and files, so
// they may hold no separator and no "..", and every file a layer names must stay inside its
// scenario folder. A wrong type is an InputError naming the field, never a TypeError later on.
import path from 'node:path';
import { InputError } from '../errors.js';
import type { RunRecord } from './RunTypes.js';

/** A scenario id or run id: a single path component (the capture stage makes them so). */
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;
/** RFC 8851 rid-id = 1*(alpha-numeric / "-" / "_"). */
const RID = /^[A-Za-z0-9_-]{1,64}$/;
/** A file inside the scenario folder: one component, not hidden. */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}$/;

const STATUSES = ['running', 'complete', 'degraded', 'incomplete'];
const SCENARIO_STATUSES = ['pending', 'running', 'complete', 'degraded', 'failed', 'incomplete'];

type Obj = Record<string, unknown>;

class RunChecker {
  constructor(readonly file: string) {}

  fail(field: string, problem: string): never {
    throw new InputError(
      `${this.file}: ${field} ${problem}`,
      'capture the run again (run.json is written by simq capture and should not be edited)',
    );
  }

  object(v: unknown, field: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      this.fail(field, `must be an object, not ${describe(v)}`);
    return v as Obj;
  }

  array(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v)) this.fail(field, `must be an array, not ${describe(v)}`);
    return v;
  }

  string(v: unknown, field: string, pattern?: RegExp, hint?: string): string {
    if (typeof v !== 'string') this.fail(field, `must be a string, not ${describe(v)}`);
    if (pattern && (!pattern.test(v) || v === '.' || v === '..' || v.includes('..')))
      this.fail(field, `"${v}" is not allowed (${hint})`);
    return v;
  }

  number(v: unknown, field: string, min = 0): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
      this.fail(field, `must be a number >= ${min}, not ${describe(v)}`);
    return v;
  }

  optionalNumber(v: unknown, field: string, min = 0): void {
    if (v !== undefined) this.number(v, field, min);
  }

  oneOf(v: unknown, field: string, values: string[]): void {
    if (typeof v !== 'string' || !values.includes(v))
      this.fail(field, `must be one of ${values.join(', ')}, not ${describe(v)}`);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function checkInput(c: RunChecker, v: unknown, at = 'input'): Record<string, unknown> {
  const input = c.object(v, at);
  c.string(input.source, `${at}.source`);
  c.string(input.y4m, `${at}.y4m`);
  if (!path.isAbsolute(input.y4m as string)) c.fail(`${at}.y4m`, 'must be an absolute path');
  for (const k of ['width', 'height', 'fps', 'frames']) c.number(input[k], `${at}.${k}`, 1);
  c.array(input.preparedWith, `${at}.preparedWith`).forEach((a, i) => c.string(a, `${at}.preparedWith[${i}]`));
  return input;
}

/** clips (runs of a study): each a prepared clip with an id; scenarios name theirs in clipId. */
function checkClips(c: RunChecker, v: unknown, scenarios: unknown[]): void {
  if (v === undefined) return;
  const ids = new Set(
    c
      .array(v, 'clips')
      .map((clip, i) =>
        c.string(
          checkInput(c, clip, `clips[${i}]`).id,
          `clips[${i}].id`,
          ID,
          'a clip id: letters, digits, ".", "_", "-"',
        ),
      ),
  );
  scenarios.forEach((s, i) => {
    const clipId = (s as Record<string, unknown>)?.clipId;
    if (clipId !== undefined && !ids.has(clipId as string))
      c.fail(`scenarios[${i}].clipId`, `"${String(clipId)}" is not in clips (${[...ids].join(', ')})`);
  });
}

function checkScenario(c: RunChecker, v: unknown, i: number, ids: Set<string>): void {
  const at = `scenarios[${i}]`;
  const s = c.object(v, at);
  const id = c.string(
    s.id,
    `${at}.id`,
    ID,
    'a scenario id names a folder inside the run: letters, digits, ".", "_", "-", no separators, no ".."',
  );
  if (ids.has(id)) c.fail(`${at}.id`, `"${id}" appears twice`);
  ids.add(id);
  c.oneOf(s.status, `${at}.status`, SCENARIO_STATUSES);
  const sc = c.object(s.scenario, `${at}.scenario`);
  c.string(sc.name, `${at}.scenario.name`);
  c.string(sc.codec, `${at}.scenario.codec`);
  c.number(sc.durationS, `${at}.scenario.durationS`);
  c.number(sc.warmupS, `${at}.scenario.warmupS`);
  c.optionalNumber(sc.bandwidthBps, `${at}.scenario.bandwidthBps`);
  c.array(sc.encodings, `${at}.scenario.encodings`);
  const rids = new Set<string>();
  c.array(s.layers, `${at}.layers`).forEach((lv, k) => {
    const lat = `${at}.layers[${k}]`;
    const layer = c.object(lv, lat);
    const rid = c.string(layer.rid, `${lat}.rid`, RID, 'a rid is letters, digits, "-" or "_" (RFC 8851)');
    if (rids.has(rid)) c.fail(`${lat}.rid`, `"${rid}" appears twice`);
    rids.add(rid);
    if (typeof layer.active !== 'boolean')
      c.fail(`${lat}.active`, `must be true or false, not ${describe(layer.active)}`);
    for (const f of ['bitstream', 'framesCsv']) {
      if (layer[f] !== undefined)
        c.string(layer[f], `${lat}.${f}`, FILE_NAME, 'a file name inside the scenario folder, no separators, no ".."');
    }
    const conf = c.object(layer.configured, `${lat}.configured`);
    for (const k of ['width', 'height', 'fps']) c.number(conf[k], `${lat}.configured.${k}`);
    c.number(layer.framesCaptured, `${lat}.framesCaptured`);
  });
  c.array(s.problems, `${at}.problems`);
}

/** The measure record, when present: the parts recommend and report read (MeasureTypes.ts). */
function checkMeasure(c: RunChecker, v: unknown): void {
  if (v === undefined) return;
  const m = c.object(v, 'measure');
  c.oneOf(m.status, 'measure.status', ['complete', 'incomplete']);
  const vmaf = c.object(m.vmaf, 'measure.vmaf');
  c.oneOf(vmaf.backend, 'measure.vmaf.backend', ['ffmpeg', 'docker', 'none']);
  for (const k of ['ffmpeg', 'libvmaf', 'docker']) if (vmaf[k] !== undefined) c.object(vmaf[k], `measure.vmaf.${k}`);
  c.optionalNumber(m.subsample, 'measure.subsample', 1);
  for (const k of ['layers', 'warnings', 'viewports']) if (m[k] !== undefined) c.array(m[k], `measure.${k}`);
}

/** Checks a parsed run.json (schema already matched); returns it typed. */
export function validateRunRecord(raw: unknown, file: string): RunRecord {
  const c = new RunChecker(file);
  const o = c.object(raw, 'run.json');
  c.string(o.runId, 'runId', ID, 'a run id is one folder name: letters, digits, ".", "_", "-"');
  c.oneOf(o.status, 'status', STATUSES);
  c.string(o.createdAt, 'createdAt');
  c.array(o.argv, 'argv');
  checkInput(c, o.input);
  c.object(o.environment, 'environment');
  c.object(o.timings, 'timings');
  const ids = new Set<string>();
  const scenarios = c.array(o.scenarios, 'scenarios');
  scenarios.forEach((s, i) => checkScenario(c, s, i, ids));
  checkClips(c, o.clips, scenarios);
  checkMeasure(c, o.measure);
  return o as unknown as RunRecord;
}

/** Joins a validated name onto a folder and makes sure the result is still inside it. */
export function insideDir(dir: string, ...names: string[]): string {
  const base = path.resolve(dir);
  const full = path.resolve(base, ...names);
  if (full !== base && !full.startsWith(base + path.sep))
    throw new InputError(`${names.join('/')} leads outside ${base}`);
  return full;
}
