// `simq merge`: shard runs of one study -> one run directory that recommend and report read as if
// one machine had run the whole plan. The shard runs are only read; the merged run is built in a
// hidden sibling and renamed into place at the end.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describeWriteError, InputError, OutputError, outputErrorFromErrno, SimqError } from '../errors.js';
import { interruptedBy } from '../signals.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { readRunRecord, writeRunRecord } from '../rundir/RunDirectory.js';
import { PICTURES_CSV, picturesCsvToRead, QUALITY_CSV, runFile, scenarioDir } from '../rundir/RunFiles.js';
import type { MeasureRecord, RunRecord, RunStatus, ScenarioRecord } from '../rundir/RunTypes.js';
import { describeDifferences, differences, runIdentity, type Difference } from './resumeCheck.js';

export interface MergeOptions {
  runs: string[];
  out: string;
  allowMixed?: boolean;
  argv: string[];
  /** Aborted by SIGINT/SIGTERM/SIGHUP: the merge stops, its hidden folder removed. */
  signal?: AbortSignal;
}

export interface MergeResult {
  dir: string;
  record: RunRecord;
  mixed: Difference[];
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function measureIdentity(m: MeasureRecord | undefined): string {
  if (!m) return 'not measured';
  return JSON.stringify({
    viewports: m.viewports,
    view: m.view,
    subsample: m.subsample ?? 1,
    includeWarmup: m.includeWarmup,
    vmaf: m.vmaf?.backend,
    libvmaf: m.vmaf?.libvmaf ?? null,
  });
}

/** What must be equal between shards, by run.json field. */
function identity(run: RunRecord): Record<string, string> {
  return {
    ...runIdentity(run),
    'plan.shard.count': String(run.plan?.shard?.count ?? 1),
    measure: measureIdentity(run.measure),
  };
}

/** Refusals that --allow-mixed does not lift: they would make the merged run wrong, not just mixed. */
function checkShape(dirs: string[], runs: RunRecord[]): ScenarioRecord[] {
  runs.forEach((r, i) => {
    if (!r.plan)
      throw new InputError(
        `${dirs[i]}: run.json has no "plan" (made by an older simq?); only runs made with --shard can be merged`,
        'capture the shards again with simq analyze --shard i/n',
      );
    if (r.status === 'running')
      throw new InputError(
        `${dirs[i]}: the run is still running (or its process died)`,
        `wait for it, or continue it: simq analyze --resume ${dirs[i]}`,
      );
  });
  const measured = runs.filter((r) => r.measure).length;
  if (measured > 0 && measured < runs.length)
    throw new InputError(
      `${runs.length - measured} of ${runs.length} shard runs are not measured; a merged run is measured everywhere or nowhere`,
      'simq measure <shard-run> on each, then merge',
    );
  const owner = new Map<string, string>();
  const scenarios: ScenarioRecord[] = [];
  runs.forEach((r, i) => {
    for (const s of r.scenarios) {
      if (owner.has(s.id))
        throw new InputError(
          `scenario ${s.id} is in two shard runs: ${owner.get(s.id)} and ${dirs[i]}`,
          'merge each shard once (the same --shard twice?)',
        );
      owner.set(s.id, dirs[i]);
      scenarios.push(s);
    }
  });
  return scenarios;
}

/** The plan's scenario ids (every shard's, in plan order) the shards do not hold. */
function missingFromPlan(runs: RunRecord[], have: Set<string>): string[] {
  const planned = [...new Set(runs.flatMap((r) => r.plan!.scenarioIds))];
  return planned.filter((id) => !have.has(id));
}

/** quality.csv / pictures.csv: the first file's header, then every shard's lines as written. */
function mergedCsv(files: (string | undefined)[]): string | undefined {
  let header: string | undefined;
  const lines: string[] = [];
  for (const f of files) {
    if (!f || !existsSync(f)) continue;
    const text = readFileSync(f, 'utf8');
    let records: { record: string[]; raw: string }[];
    try {
      records = parse(text, { raw: true, skip_empty_lines: true }) as unknown as { record: string[]; raw: string }[];
    } catch (e) {
      throw new InputError(
        `${f}: not a CSV simq can read (${(e as Error).message})`,
        'measure that shard again (simq measure <shard-run> --force), or leave the shard out',
      );
    }
    if (records.length === 0) continue;
    const h = records[0].raw.replace(/\r?\n$/, '');
    if (header !== undefined && h !== header)
      throw new InputError(
        `${f}: its columns differ from the other shards' (${h.slice(0, 60)}...)`,
        'measure every shard with the same simq version',
      );
    header = h;
    lines.push(...records.slice(1).map((r) => r.raw.replace(/\r?\n$/, '')));
  }
  return header === undefined ? undefined : [header, ...lines].join('\n') + '\n';
}

function mergedMeasure(runs: RunRecord[]): MeasureRecord | undefined {
  const ms = runs.map((r) => r.measure).filter((m): m is MeasureRecord => m !== undefined);
  if (ms.length === 0) return undefined;
  const times = (k: 'startedAt' | 'finishedAt') =>
    ms
      .map((m) => m[k])
      .filter((t): t is string => Boolean(t))
      .sort();
  return {
    ...ms[0],
    status: ms.every((m) => m.status === 'complete') ? 'complete' : 'incomplete',
    startedAt: times('startedAt')[0] ?? ms[0].startedAt,
    finishedAt: times('finishedAt').at(-1),
    layers: ms.flatMap((m) => m.layers),
    skippedScenarios: ms.flatMap((m) => m.skippedScenarios),
    warnings: [...new Set(ms.flatMap((m) => m.warnings))],
  };
}

/** The finished merge into place; a run that appeared meanwhile (a second merge to the same --out) is not replaced. */
function renameInto(tmp: string, out: string): void {
  try {
    // rename(2) replaces an empty directory: that is the only case existsSync could have missed.
    if (existsSync(out)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    renameSync(tmp, out);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTEMPTY')
      throw new OutputError(
        `${out} was created by something else while this merge ran (two merges to one --out?); simq never overwrites a run`,
        'choose another --out',
      );
    throw e;
  }
}

function runStatus(scenarios: ScenarioRecord[]): RunStatus {
  if (
    scenarios.some(
      (s) => s.status === 'failed' || s.status === 'incomplete' || s.status === 'pending' || s.status === 'running',
    )
  )
    return 'incomplete';
  return scenarios.some((s) => s.status === 'degraded') ? 'degraded' : 'complete';
}

export async function mergeRuns(options: MergeOptions): Promise<MergeResult> {
  const dirs = options.runs.map((d) => path.resolve(d));
  if (dirs.length === 0)
    throw new InputError(
      'simq merge needs the shard runs to merge',
      'simq merge results/shard-1 results/shard-2 --out results/study',
    );
  const out = path.resolve(options.out);
  const runId = path.basename(out);
  if (!RUN_ID.test(runId))
    throw new InputError(
      `--out ${options.out}: the last folder name is the run id; use letters, digits, '.', '_' and '-'`,
    );
  if (existsSync(out))
    throw new OutputError(`${out} already exists; simq never overwrites a run`, 'choose another --out');
  const runs = dirs.map((d) => readRunRecord(d));
  const scenarios = checkShape(dirs, runs);
  const mixed = differences(runs.map(identity));
  if (mixed.length && !options.allowMixed) {
    throw new InputError(
      `the shard runs do not belong together: ${describeDifferences(mixed)}`,
      'merge shards of one study made with the same clips, plan and tools, or add --allow-mixed to merge them anyway (recorded in run.json "merge.mixed")',
    );
  }
  const missing = missingFromPlan(runs, new Set(scenarios.map((s) => s.id)));
  if (missing.length)
    throw new InputError(
      `the shard runs lack ${missing.length} scenario(s) of the plan: ${missing.join(', ')}`,
      'merge every shard of the study (simq analyze --shard i/n for the missing ones), or --resume the shard that stopped',
    );

  const order = new Map(runs[0].plan!.scenarioIds.map((id, i) => [id, i]));
  scenarios.sort((a, b) => (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity));
  const clips = [...new Map(runs.flatMap((r) => r.clips).map((c) => [c.id, c])).values()];
  const sum = (k: 'captureS' | 'measureS') => Math.round(runs.reduce((t, r) => t + (r.timings[k] ?? 0), 0) * 10) / 10;
  const { resumedAt: _resumed, ...base } = runs[0];
  const record: RunRecord = {
    ...base,
    runId,
    status: runStatus(scenarios),
    createdAt: runs.map((r) => r.createdAt).sort()[0],
    finishedAt: runs
      .map((r) => r.finishedAt ?? r.createdAt)
      .sort()
      .at(-1),
    argv: options.argv,
    ...(clips.length ? { clips } : {}),
    plan: { hash: runs[0].plan!.hash, scenarioIds: [...new Set(runs.flatMap((r) => r.plan!.scenarioIds))] },
    merge: {
      from: runs.map((r, i) => ({ runId: r.runId, dir: dirs[i], ...(r.plan?.shard ? { shard: r.plan.shard } : {}) })),
      ...(mixed.length ? { mixed } : {}),
    },
    scenarios,
    timings: {
      captureS: sum('captureS'),
      ...(runs.some((r) => r.timings.measureS !== undefined) ? { measureS: sum('measureS') } : {}),
    },
    measure: mergedMeasure(runs),
  };
  if (!record.measure) delete record.measure;

  const tmp = path.join(path.dirname(out), `.${runId}.simq-merge-${process.pid}`);
  try {
    mkdirSync(path.dirname(out), { recursive: true });
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
  } catch (e) {
    throw new OutputError(
      `--out ${options.out}: cannot create the run there (${describeWriteError(e)}${['ENOTDIR', 'EEXIST'].includes((e as NodeJS.ErrnoException).code ?? '') ? ': a part of the path is a file' : ''})`,
      'choose an --out inside a folder you can write to',
    );
  }
  // The copy is asynchronous so that SIGINT/SIGTERM are handled between scenario folders: the
  // hidden folder is removed and simq exits 130/143, never leaving a half merge behind.
  const stop = () => {
    if (options.signal?.aborted) throw interruptedBy(options.signal, `merge into ${out}`);
  };
  try {
    for (const [i, r] of runs.entries()) {
      for (const s of r.scenarios) {
        stop();
        const from = scenarioDir(dirs[i], s.id);
        if (existsSync(from)) await cp(from, scenarioDir(tmp, s.id), { recursive: true });
      }
    }
    stop();
    const quality = mergedCsv(dirs.map((d) => runFile(d, QUALITY_CSV)));
    if (quality !== undefined) writeFileAtomic(runFile(tmp, QUALITY_CSV), quality);
    const pictures = mergedCsv(dirs.map((d) => picturesCsvToRead(d)));
    if (pictures !== undefined) writeFileAtomic(runFile(tmp, PICTURES_CSV), pictures);
    writeRunRecord(tmp, record);
    stop();
    renameInto(tmp, out);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (e instanceof SimqError) throw e;
    throw (
      outputErrorFromErrno(e) ??
      new OutputError(
        `merge into ${out}: ${describeWriteError(e)}`,
        'check the --out folder and the shard runs, then run the merge again',
      )
    );
  }
  return { dir: out, record, mixed };
}
