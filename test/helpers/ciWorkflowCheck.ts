// Checks of the CI matrix example (deploy/ci/github-actions-study.yml): the shard command's count is
// the matrix size, the shard artifacts are the run directories the shards write, and the merge job
// waits for the shards, downloads exactly those artifacts and merges what it downloaded.
// Returns problems as sentences; [] means it holds.

const SHARD_EXPR = '${{ matrix.shard }}';

export interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

/** Splits a run line on blanks as the shell will, after Actions has replaced each `${{ ... }}`. */
export function runWords(line: string): string[] {
  return line.trim().match(/(?:\$\{\{.*?\}\}|\S)+/g) ?? [];
}

/** The words after `npx simq <command>` in a step's run line. */
export function simqCall(steps: Step[], command: string): { index: number; args: string[] } | undefined {
  const index = steps.findIndex((s) => new RegExp(`\\bsimq ${command}\\b`).test(s.run ?? ''));
  if (index < 0) return undefined;
  const words = runWords(steps[index].run!);
  return { index, args: words.slice(words.indexOf(command) + 1) };
}

export function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const uses = (steps: Step[], action: string) => steps.filter((s) => s.uses?.startsWith(`actions/${action}@`));

export function shardJobProblems(job: any): string[] {
  const out: string[] = [];
  const shards: unknown[] = job?.strategy?.matrix?.shard ?? [];
  if (job?.strategy?.['fail-fast'] !== false)
    out.push('fail-fast is not false: one failed shard would cancel the others');
  const analyze = simqCall(job?.steps ?? [], 'analyze');
  if (!analyze) return [...out, 'no step runs simq analyze'];
  const base = Number(flag(analyze.args, '--shard-base') ?? 1);
  const expected = shards.map((_, i) => i + base);
  if (JSON.stringify(shards) !== JSON.stringify(expected))
    out.push(`matrix shard ${JSON.stringify(shards)} is not ${JSON.stringify(expected)} (--shard-base ${base})`);
  const shard = flag(analyze.args, '--shard');
  if (shard !== `${SHARD_EXPR}/${shards.length}`)
    out.push(`--shard is "${shard}", not "${SHARD_EXPR}/${shards.length}" (the matrix has ${shards.length} entries)`);
  if (!flag(analyze.args, '--run-id')?.includes(SHARD_EXPR))
    out.push('--run-id does not contain the matrix index: artifacts would collide');
  const runDir = `${flag(analyze.args, '--out') ?? 'results'}/${flag(analyze.args, '--run-id')}`;
  const upload = uses(job.steps, 'upload-artifact')[0];
  if (!upload) return [...out, 'no upload-artifact step'];
  if (job.steps.indexOf(upload) < analyze.index) out.push('the upload comes before the analyze step');
  if (upload.with?.path !== runDir) out.push(`uploads ${upload.with?.path}, the shard writes ${runDir}`);
  if (!String(upload.with?.name ?? '').includes(SHARD_EXPR))
    out.push(`artifact name "${upload.with?.name}" does not contain the matrix index`);
  return out;
}

export function mergeJobProblems(workflow: any, shardJobId: string, mergeJobId: string): string[] {
  const out: string[] = [];
  const shard = workflow.jobs[shardJobId];
  const merge = workflow.jobs[mergeJobId];
  const needs = [merge?.needs ?? []].flat();
  if (!needs.includes(shardJobId))
    out.push(`${mergeJobId} does not need ${shardJobId}: it could start before the shards finish`);
  const uploadName = String(uses(shard?.steps ?? [], 'upload-artifact')[0]?.with?.name ?? '');
  const pattern = uploadName.replace(SHARD_EXPR, '*');
  const download = uses(merge?.steps ?? [], 'download-artifact')[0];
  if (!download) return [...out, 'no download-artifact step'];
  if (download.with?.pattern !== pattern)
    out.push(`downloads pattern "${download.with?.pattern}", the shards upload "${uploadName}" (pattern ${pattern})`);
  // merge-multiple would pour every shard's files into one folder: the runs would overwrite each other.
  if (download.with?.['merge-multiple'] === true) out.push('merge-multiple: true mixes the shard runs into one folder');
  const m = simqCall(merge.steps, 'merge');
  if (!m) return [...out, 'no step runs simq merge'];
  const outIndex = m.args.indexOf('--out');
  const inputs = m.args.slice(0, outIndex < 0 ? undefined : outIndex);
  const wanted = `${download.with?.path ?? '.'}/${pattern}`;
  if (JSON.stringify(inputs) !== JSON.stringify([wanted]))
    out.push(`merges ${JSON.stringify(inputs)}, the artifacts land in ${wanted}`);
  if (merge.steps.indexOf(download) > m.index) out.push('merge runs before the download');
  const merged = flag(m.args, '--out');
  let last = m.index;
  for (const cmd of ['recommend', 'report']) {
    const c = simqCall(merge.steps, cmd);
    if (!c) out.push(`no step runs simq ${cmd}`);
    else if (c.args[0] !== merged) out.push(`${cmd} reads ${c.args[0]}, merge writes ${merged}`);
    else if (c.index < last) out.push(`${cmd} runs out of order (merge, recommend, report)`);
    else last = c.index;
  }
  return out;
}
