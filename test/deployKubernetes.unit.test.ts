// The Kubernetes examples of deploy/kubernetes/ (a study as an Indexed Job, its merge, a shard's
// resume) against the Kubernetes API types and the Job rules. No cluster here: the manifests are
// type-checked and cross-checked, not applied. Each check is also shown to reject a broken copy.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests, typeCheckManifests, type ManifestDoc } from './helpers/kubernetesManifest.js';
import {
  findDoc,
  jobProblems,
  mergeJobProblems,
  optionValue,
  shardJobProblems,
  shardRunDirs,
} from './helpers/studyJobRules.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIR = path.join(ROOT, 'deploy', 'kubernetes');
const WORK = path.join(ROOT, 'test-artifacts', 'kubernetes-types');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => path.join(DIR, f));
const docs = loadManifests(files);
const job = (name: string) => findDoc(docs, 'Job', name)!.object;

/** A copy of the documents with `edit` applied to the named Job. */
function withJob(name: string, edit: (job: any) => void): ManifestDoc[] {
  const copy: ManifestDoc[] = structuredClone(docs);
  edit(findDoc(copy, 'Job', name)!.object);
  return copy;
}

describe('deploy/kubernetes against the Kubernetes API types (kubernetes-types)', () => {
  it('has the study Job, the merge Job, the resume Job, the volume claim and the study ConfigMap', () => {
    expect(files.map((f) => path.basename(f)).sort()).toEqual([
      'links-job.yaml',
      'merge-job.yaml',
      'resume-shard-job.yaml',
      'study-job.yaml',
    ]);
    for (const [kind, name] of [
      ['Job', 'simq-study'],
      ['Job', 'simq-study-merge'],
      ['PersistentVolumeClaim', 'simq-results'],
      ['ConfigMap', 'simq-study'],
    ]) {
      expect(findDoc(docs, kind, name), `${kind} ${name}`).toBeDefined();
    }
  });

  it('every document type-checks as its API type', () => {
    expect(typeCheckManifests(docs, path.join(WORK, 'ok'))).toEqual([]);
  }, 60_000);

  // One broken document at a time: TypeScript reports excess properties only on literals that are
  // otherwise assignable, so a second error in the same Job would hide the first.
  it('the type check rejects a misspelt key', () => {
    const broken = withJob('simq-study', (j) => {
      j.spec.parallelizm = j.spec.parallelism;
    });
    expect(typeCheckManifests(broken, path.join(WORK, 'misspelt')).join('\n')).toMatch(
      /Job simq-study\): Object literal may only specify known properties, and '"parallelizm"' does not exist in type 'JobSpec'/,
    );
  }, 60_000);

  it('the type check rejects a value of the wrong type (args as one string)', () => {
    const broken = withJob('simq-study', (j) => {
      j.spec.template.spec.containers[0].args = 'analyze --study /study/study.json';
    });
    expect(typeCheckManifests(broken, path.join(WORK, 'wrong-type')).join('\n')).toMatch(
      /Job simq-study\).*Type 'string' is not assignable to type 'string\[\]'/,
    );
  }, 60_000);
});

/** What a pod needs to shape links (src/link/netCapability.ts): root, NET_ADMIN and SYS_ADMIN in effect. */
function linkCapabilityProblems(j: any): string[] {
  const c = j.spec.template.spec.containers[0];
  const sc = c.securityContext ?? {};
  const podUser = j.spec.template.spec.securityContext?.runAsUser;
  const out: string[] = [];
  const add: string[] = sc.capabilities?.add ?? [];
  for (const cap of ['NET_ADMIN', 'SYS_ADMIN']) if (!add.includes(cap)) out.push(`capabilities.add lacks ${cap}`);
  // Added capabilities are not ambient: only uid 0 has them in effect (the image's USER is 10001).
  if ((sc.runAsUser ?? podUser) !== 0)
    out.push(`runs as uid ${sc.runAsUser ?? podUser ?? 'of the image (10001)'}, not 0`);
  if (!(c.args as string[]).includes('--uplink')) out.push('no --uplink');
  return out;
}

describe('deploy/kubernetes: the shaped-link Job', () => {
  it('runs as root with NET_ADMIN and SYS_ADMIN and an --uplink', () => {
    expect(linkCapabilityProblems(job('simq-links'))).toEqual([]);
    expect(jobProblems(findDoc(docs, 'Job', 'simq-links')!, docs)).toEqual([]);
  });

  it('rejects a missing capability and the image user', () => {
    const broken = withJob('simq-links', (j) => {
      const sc = j.spec.template.spec.containers[0].securityContext;
      sc.capabilities.add = ['NET_ADMIN'];
      delete sc.runAsUser;
    });
    expect(linkCapabilityProblems(findDoc(broken, 'Job', 'simq-links')!.object)).toEqual([
      'capabilities.add lacks SYS_ADMIN',
      'runs as uid of the image (10001), not 0',
    ]);
  });
});

describe('deploy/kubernetes: Job rules the types cannot express', () => {
  it('every Job keeps the API rules and runs simq without a shell', () => {
    for (const d of docs.filter((x) => x.object.kind === 'Job'))
      expect(jobProblems(d, docs), d.object.metadata.name).toEqual([]);
  });

  it('rejects completionMode "indexed" (the API has Indexed), a shell command and an undeclared $(VAR)', () => {
    const broken = withJob('simq-study', (j) => {
      j.spec.completionMode = 'indexed';
      const c = j.spec.template.spec.containers[0];
      c.command = ['sh', '-c'];
      c.env = [];
    });
    const problems = jobProblems(findDoc(broken, 'Job', 'simq-study')!, broken).join('\n');
    expect(problems).toContain('completionMode "indexed" is not one of NonIndexed, Indexed');
    expect(problems).toContain('sets command ["sh","-c"]');
    expect(problems).toContain('args use $(JOB_COMPLETION_INDEX) but env does not define JOB_COMPLETION_INDEX');
  });

  it('the study Job: one pod per shard, JOB_COMPLETION_INDEX -> --shard i/n with base 0, 2 CPUs, results on the claim', () => {
    expect(shardJobProblems(job('simq-study'), docs)).toEqual([]);
    expect(job('simq-study').spec.completions).toBe(4);
    expect(optionValue(job('simq-study').spec.template.spec.containers[0].args, '--shard')).toBe(
      '$(JOB_COMPLETION_INDEX)/4',
    );
  });

  it('rejects a shard count that differs from completions, base 1, and one run-id for all shards', () => {
    const broken = withJob('simq-study', (j) => {
      j.spec.completions = 5;
      j.spec.parallelism = 5;
      const args: string[] = j.spec.template.spec.containers[0].args;
      args[args.indexOf('--shard-base') + 1] = '1';
      args[args.indexOf('--run-id') + 1] = 'study';
    });
    const problems = shardJobProblems(findDoc(broken, 'Job', 'simq-study')!.object, broken).join('\n');
    expect(problems).toContain('--shard is "$(JOB_COMPLETION_INDEX)/4", not "$(JOB_COMPLETION_INDEX)/5"');
    expect(problems).toContain('--shard-base is "1"');
    expect(problems).toContain('--run-id does not contain $(JOB_COMPLETION_INDEX)');
  });

  it("the study's clips are samples the image generates (deploy/Dockerfile: simq samples in the package folder)", () => {
    const dockerfile = readFileSync(path.join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/&& simq samples --quiet\n/); // all recipes, no --only
    const packageDir = /^WORKDIR (\S+)/m.exec(dockerfile)![1];
    const recipes = [
      ...readFileSync(path.join(ROOT, 'src', 'samples', 'recipes.ts'), 'utf8').matchAll(/^ {2}name: '([a-z]+)',$/gm),
    ].map((m) => m[1]);
    expect(recipes.length).toBeGreaterThanOrEqual(3);
    const study = JSON.parse(findDoc(docs, 'ConfigMap', 'simq-study')!.object.data['study.json']);
    for (const c of study.clips)
      expect(
        recipes.map((r) => `${packageDir}/samples/${r}.mp4`),
        c.path,
      ).toContain(c.path);
  });

  it('the merge Job reads exactly the shard runs from the same claim; recommend and report read the merged run', () => {
    expect(shardRunDirs(job('simq-study'))).toEqual([
      '/results/study-shard-0',
      '/results/study-shard-1',
      '/results/study-shard-2',
      '/results/study-shard-3',
    ]);
    expect(mergeJobProblems(job('simq-study-merge'), job('simq-study'))).toEqual([]);
  });

  it('rejects a merge that misses a shard or reads another claim', () => {
    const broken = withJob('simq-study-merge', (j) => {
      j.spec.template.spec.initContainers[0].args.splice(4, 1);
      j.spec.template.spec.volumes[0].persistentVolumeClaim.claimName = 'other';
    });
    const problems = mergeJobProblems(findDoc(broken, 'Job', 'simq-study-merge')!.object, job('simq-study')).join('\n');
    expect(problems).toContain('the shards write');
    expect(problems).toContain('on claim "other"');
  });

  it('the resume Job continues one of the shard runs on the same claim', () => {
    const resume = docs.find(
      (d) => d.object.kind === 'Job' && d.object.spec.template.spec.containers[0].args.includes('--resume'),
    )!.object;
    const args: string[] = resume.spec.template.spec.containers[0].args;
    expect(args[0]).toBe('analyze');
    expect(shardRunDirs(job('simq-study'))).toContain(optionValue(args, '--resume'));
    expect(
      resume.spec.template.spec.volumes.find((v: any) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName,
    ).toBe('simq-results');
  });
});
