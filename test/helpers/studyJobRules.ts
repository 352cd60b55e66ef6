// What the Kubernetes API types cannot say about the study examples: the enumerated values and
// cross-field rules of the Job API, and that the shard Job, the merge Job and the volumes fit
// together. Each function returns problems as sentences; [] means it holds.
import type { ManifestDoc } from './kubernetesManifest.js';

// JobSpec.completionMode: "It can be `NonIndexed` (default) or `Indexed`" (API reference).
const COMPLETION_MODES = ['NonIndexed', 'Indexed'];
// Job pod templates: "Only a RestartPolicy equal to `Never` or `OnFailure` is allowed" (JobSpec.template).
const JOB_RESTART_POLICIES = ['Never', 'OnFailure'];
const SHELLS = /(^|\/)(sh|bash|dash|ash|zsh)$/;

export function optionValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

function containersOf(job: any): any[] {
  const spec = job.spec?.template?.spec ?? {};
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/** Rules every Job of the examples keeps (API validation and how the image is meant to run). */
export function jobProblems(doc: ManifestDoc, all: ManifestDoc[]): string[] {
  const job = doc.object;
  const name = `Job ${job.metadata?.name}`;
  const spec = job.spec ?? {};
  const pod = spec.template?.spec ?? {};
  const out: string[] = [];
  if (spec.completionMode !== undefined && !COMPLETION_MODES.includes(spec.completionMode)) {
    out.push(`${name}: completionMode "${spec.completionMode}" is not one of ${COMPLETION_MODES.join(', ')}`);
  }
  if (spec.completionMode === 'Indexed' && !Number.isInteger(spec.completions))
    out.push(`${name}: an Indexed Job needs completions`);
  if (!JOB_RESTART_POLICIES.includes(pod.restartPolicy))
    out.push(`${name}: restartPolicy "${pod.restartPolicy}" is not one of ${JOB_RESTART_POLICIES.join(', ')}`);
  if (spec.backoffLimitPerIndex !== undefined && (spec.completionMode !== 'Indexed' || pod.restartPolicy !== 'Never')) {
    out.push(`${name}: backoffLimitPerIndex needs completionMode Indexed and restartPolicy Never`);
  }
  for (const c of containersOf(job)) out.push(...containerProblems(`${name} container ${c.name}`, c, pod, all));
  return out;
}

function containerProblems(name: string, c: any, pod: any, all: ManifestDoc[]): string[] {
  const out: string[] = [];
  // The image's ENTRYPOINT (tini -- simq) runs; a command would replace it, a shell string even more so.
  if (c.command !== undefined)
    out.push(`${name}: sets command ${JSON.stringify(c.command)}; give only args to the image's simq entrypoint`);
  if (!Array.isArray(c.args) || c.args.length === 0) out.push(`${name}: no args (which simq command?)`);
  else if (SHELLS.test(String(c.args[0]))) out.push(`${name}: args start with a shell (${c.args[0]})`);
  // "If a variable cannot be resolved, the reference in the input string will be unchanged" (Container.args):
  // simq would get the literal text. Declared in env, it always resolves.
  const defined = new Set((c.env ?? []).map((e: any) => e.name));
  for (const a of c.args ?? []) {
    for (const m of String(a).matchAll(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
      if (!defined.has(m[1])) out.push(`${name}: args use $(${m[1]}) but env does not define ${m[1]}`);
    }
  }
  const volumes = new Map<string, any>((pod.volumes ?? []).map((v: any) => [v.name, v]));
  for (const m of c.volumeMounts ?? [])
    if (!volumes.has(m.name)) out.push(`${name}: mounts volume "${m.name}", which the pod does not define`);
  for (const v of volumes.values()) {
    const claim = v.persistentVolumeClaim?.claimName;
    if (claim && !findDoc(all, 'PersistentVolumeClaim', claim))
      out.push(`${name}: volume ${v.name} claims "${claim}", which no manifest defines`);
    const cm = v.configMap?.name;
    if (cm && !findDoc(all, 'ConfigMap', cm))
      out.push(`${name}: volume ${v.name} uses ConfigMap "${cm}", which no manifest defines`);
  }
  return out;
}

export function findDoc(all: ManifestDoc[], kind: string, name: string): ManifestDoc | undefined {
  return all.find((d) => d.object?.kind === kind && d.object?.metadata?.name === name);
}

/** The volume mounted at the folder that holds `file` (longest mount path that is a prefix). */
export function mountFor(c: any, pod: any, file: string): { mountPath: string; volume: any } | undefined {
  const mounts = (c.volumeMounts ?? []).filter(
    (m: any) => file === m.mountPath || file.startsWith(`${m.mountPath.replace(/\/$/, '')}/`),
  );
  mounts.sort((a: any, b: any) => b.mountPath.length - a.mountPath.length);
  const m = mounts[0];
  return m ? { mountPath: m.mountPath, volume: (pod.volumes ?? []).find((v: any) => v.name === m.name) } : undefined;
}

/** The shard Job: Indexed, one pod per shard, the index turned into `--shard`, runs on the shared volume. */
export function shardJobProblems(job: any, all: ManifestDoc[]): string[] {
  const spec = job.spec ?? {};
  const pod = spec.template?.spec ?? {};
  const c = pod.containers?.[0] ?? {};
  const args: string[] = c.args ?? [];
  const out: string[] = [];
  if (spec.completionMode !== 'Indexed') out.push(`completionMode is "${spec.completionMode}", not Indexed`);
  if (spec.parallelism !== spec.completions)
    out.push(
      `parallelism ${spec.parallelism} differs from completions ${spec.completions}: shards would wait for each other`,
    );
  if (args[0] !== 'analyze') out.push(`args[0] is "${args[0]}", not analyze`);
  const shard = optionValue(args, '--shard');
  if (shard !== `$(JOB_COMPLETION_INDEX)/${spec.completions}`)
    out.push(`--shard is "${shard}", not "$(JOB_COMPLETION_INDEX)/${spec.completions}" (completions)`);
  if (optionValue(args, '--shard-base') !== '0')
    out.push(`--shard-base is "${optionValue(args, '--shard-base')}": JOB_COMPLETION_INDEX counts from 0`);
  if (!optionValue(args, '--run-id')?.includes('$(JOB_COMPLETION_INDEX)'))
    out.push('--run-id does not contain $(JOB_COMPLETION_INDEX): the shards would write one run directory');
  const cpu = c.resources?.requests?.cpu;
  if (String(cpu) !== '2') out.push(`requests cpu "${cpu}", not 2 (one CPU-bound capture per pod)`);
  const results = mountFor(c, pod, optionValue(args, '--out') ?? '');
  if (!results?.volume?.persistentVolumeClaim)
    out.push(`--out ${optionValue(args, '--out')} is not on a PersistentVolumeClaim mount`);
  out.push(...studyFileProblems(c, pod, optionValue(args, '--study'), all));
  return out;
}

function studyFileProblems(c: any, pod: any, study: string | undefined, all: ManifestDoc[]): string[] {
  if (!study) return ['no --study'];
  const m = mountFor(c, pod, study);
  const cm = m?.volume?.configMap && findDoc(all, 'ConfigMap', m.volume.configMap.name);
  if (!m || !cm) return [`--study ${study} is not on a ConfigMap mount`];
  const key = study.slice(m.mountPath.replace(/\/$/, '').length + 1);
  const text = cm.object.data?.[key];
  if (text === undefined) return [`ConfigMap ${cm.object.metadata.name} has no key "${key}" for --study ${study}`];
  try {
    const parsed = JSON.parse(text);
    return Array.isArray(parsed.clips) && parsed.clips.length > 0 ? [] : [`${key}: no clips`];
  } catch (e) {
    return [`${key} in ConfigMap ${cm.object.metadata.name} is not JSON: ${(e as Error).message}`];
  }
}

/** The run directories the shard Job writes: --out / --run-id with each index 0 .. completions-1. */
export function shardRunDirs(job: any): string[] {
  const args: string[] = job.spec.template.spec.containers[0].args;
  const outDir = optionValue(args, '--out')!.replace(/\/$/, '');
  const runId = optionValue(args, '--run-id')!;
  return Array.from(
    { length: job.spec.completions },
    (_, i) => `${outDir}/${runId.replaceAll('$(JOB_COMPLETION_INDEX)', String(i))}`,
  );
}

function claimAt(c: any, pod: any, file: string): string | undefined {
  return mountFor(c, pod, file)?.volume?.persistentVolumeClaim?.claimName;
}

/** The merge Job reads exactly the shard runs, from the same claim, and recommend / report read its output. */
export function mergeJobProblems(merge: any, shard: any): string[] {
  const pod = merge.spec?.template?.spec ?? {};
  const steps = containersOf(merge);
  const m = steps.find((c) => c.args?.[0] === 'merge');
  if (!m) return ['no container runs simq merge'];
  const out: string[] = [];
  const outIndex = m.args.indexOf('--out');
  const inputs: string[] = m.args.slice(1, outIndex < 0 ? undefined : outIndex);
  const expected = shardRunDirs(shard);
  if (JSON.stringify(inputs) !== JSON.stringify(expected))
    out.push(`merge reads ${JSON.stringify(inputs)}, the shards write ${JSON.stringify(expected)}`);
  const merged = optionValue(m.args, '--out');
  if (!merged) return [...out, 'merge has no --out'];
  const shardPod = shard.spec.template.spec;
  const shardClaim = claimAt(shardPod.containers[0], shardPod, expected[0]);
  for (const dir of [...inputs, merged]) {
    const claim = claimAt(m, pod, dir);
    if (claim !== shardClaim)
      out.push(`merge sees ${dir} on claim "${claim}", the shards write to claim "${shardClaim}"`);
  }
  for (const cmd of ['recommend', 'report']) {
    const step = steps.find((c) => c.args?.[0] === cmd);
    if (!step) out.push(`no container runs simq ${cmd}`);
    else if (step.args[1] !== merged) out.push(`${cmd} reads ${step.args[1]}, merge writes ${merged}`);
    else if (steps.indexOf(step) < steps.indexOf(m)) out.push(`${cmd} runs before merge`);
  }
  return out;
}
