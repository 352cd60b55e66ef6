// The study files of the deployment examples (the Kubernetes ConfigMap's study.json and
// deploy/ci/study.json) read by simq's own study-file loader, and big enough for their shard count:
// a shard without a scenario writes no run, which the merge step would then miss.
// The loader arrives with the studies feature (src/study/); until it is in the tree this file skips.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadManifests, type ManifestDoc } from './helpers/kubernetesManifest.js';
import { findDoc } from './helpers/studyJobRules.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const HAS_STUDIES =
  existsSync(path.join(ROOT, 'src', 'study', 'studyFile.ts')) &&
  existsSync(path.join(ROOT, 'src', 'commands', 'studyOptions.ts'));
if (!HAS_STUDIES)
  console.warn('SKIPPED: study files of deploy/: this checkout has no study support (src/study/studyFile.ts)');

/** Scenarios of the whole plan (clips x expanded scenarios), as `simq analyze --study FILE` expands it. */
async function planSize(file: string): Promise<number> {
  const { applyStudyFile } = await import(path.join(ROOT, 'src', 'commands', 'studyOptions.js'));
  const { planCapture } = await import(path.join(ROOT, 'src', 'commands', 'captureOptions.js'));
  const opts: any = { scenario: [], sweep: [], out: 'results', study: file };
  const clips: unknown[] = applyStudyFile([], opts);
  return clips.length * planCapture(opts).scenarios.length;
}

describe.skipIf(!HAS_STUDIES)('study files of deploy/', () => {
  it('the Kubernetes study.json loads and has at least one scenario per pod', async () => {
    const docs: ManifestDoc[] = loadManifests([path.join(ROOT, 'deploy', 'kubernetes', 'study-job.yaml')]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'simq-deploy-study-'));
    try {
      const file = path.join(dir, 'study.json');
      writeFileSync(file, findDoc(docs, 'ConfigMap', 'simq-study')!.object.data['study.json']);
      expect(await planSize(file)).toBeGreaterThanOrEqual(findDoc(docs, 'Job', 'simq-study')!.object.spec.completions);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deploy/ci/study.json loads and has at least one scenario per matrix entry', async () => {
    const workflow = parse(readFileSync(path.join(ROOT, 'deploy', 'ci', 'github-actions-study.yml'), 'utf8'));
    expect(await planSize(path.join(ROOT, 'deploy', 'ci', 'study.json'))).toBeGreaterThanOrEqual(
      workflow.jobs.shard.strategy.matrix.shard.length,
    );
  });
});
