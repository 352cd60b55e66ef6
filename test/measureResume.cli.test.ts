// `simq measure --resume` and `simq analyze --resume` keep and continue a measured run, whatever
// column set this release wrote (a Chromium-only run has no `browser` column). Expectations by
// construction: the kept rows are the bytes the first measure wrote; a scenario whose rows were
// taken out (as a measure interrupted before it wrote them leaves it) is measured again.
// The run is the recorded capture (test/fixtures/capture-run; no browser) with the command line of an
// `analyze` run (the run.json `argv` analyze --resume reads its measure settings from), finished by
// `analyze --resume`: measure, recommend and report as the analyze that captured it would have. Its
// capture is finished, so no browser is started, and the browser on record need not be this machine's.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { copyCaptureFixture, fixtureInfo } from './helpers/captureFixture.js';
import { readJson, simq } from './helpers/simq.js';

let dir: string;
let run: string;
let quality: string[];
let pictures: string[];
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-measure-resume-'));
  run = copyCaptureFixture(path.join(dir, 'base'));
  const record = readJson<RunRecord>(path.join(run, 'run.json'));
  const scenarios = path.join(dir, 'scenarios.json');
  writeFileSync(scenarios, JSON.stringify(fixtureInfo().scenarios));
  record.argv = [
    'analyze',
    record.input.source,
    '--scenario',
    scenarios,
    '--size',
    '640x360',
    '--duration',
    '2',
    '--warmup',
    '1',
    '--viewports',
    '640x360',
    '--out',
    dir,
    '--run-id',
    'base',
    '--allow-degraded',
    '--yes',
  ];
  // The capture is finished, so the resume needs no browser: on record, a browser this machine does not
  // have (another version at a path that does not exist), as after a browser update or on a measuring
  // machine without one. A resume that probed it would stop here (a CI run did, after an apt upgrade).
  record.environment.browser = { ...record.environment.browser, version: '1.2.3.4', path: '/nonexistent/chromium' };
  writeFileSync(path.join(run, 'run.json'), JSON.stringify(record, null, 2));
  const r = await simq(['analyze', '--resume', run, '--yes']);
  expect(r.code, r.stderr).toBe(0);
  expect(readJson<RunRecord>(path.join(run, 'run.json')).measure!.viewports).toEqual(['640x360']);
  quality = lines(path.join(run, 'quality.csv'));
  pictures = lines(path.join(run, 'pictures.csv'));
}, 400_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a Chromium-only measured run', () => {
  it('has no browser column (the column set the bug report saw)', () => {
    expect(quality[0].split(',')).not.toContain('browser');
  });

  it('measure --resume: exit 0, every row kept as written', async () => {
    const copy = path.join(dir, 'measure-resume');
    cpSync(run, copy, { recursive: true });
    const r = await simq(['measure', copy, '--resume', '--viewports', '640x360']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(path.join(copy, 'quality.csv'))).toEqual(quality);
    expect(lines(path.join(copy, 'pictures.csv'))).toEqual(pictures);
  });

  it('analyze --resume: exit 0, every row kept as written', async () => {
    const copy = path.join(dir, 'analyze-resume');
    cpSync(run, copy, { recursive: true });
    const r = await simq(['analyze', '--resume', copy, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(path.join(copy, 'quality.csv'))).toEqual(quality);
  });

  it('a scenario left unmeasured is measured again beside the kept rows', async () => {
    const copy = path.join(dir, 'interrupted');
    cpSync(run, copy, { recursive: true });
    const gone = 'top-off.vp8';
    const record = readJson<RunRecord>(path.join(copy, 'run.json'));
    record.measure!.status = 'incomplete';
    record.measure!.layers = record.measure!.layers.filter((l) => l.scenarioId !== gone);
    writeFileSync(path.join(copy, 'run.json'), JSON.stringify(record, null, 2));
    const keep = (all: string[]) => [all[0], ...all.slice(1).filter((l) => !l.startsWith(`${gone},`))];
    writeFileSync(path.join(copy, 'quality.csv'), keep(quality).join('\n') + '\n');
    writeFileSync(path.join(copy, 'pictures.csv'), keep(pictures).join('\n') + '\n');
    const r = await simq(['measure', copy, '--resume', '--viewports', '640x360']);
    expect(r.code, r.stderr).toBe(0);
    const after = lines(path.join(copy, 'quality.csv'));
    // The kept scenario's rows are byte for byte the first measure's; the other one is back.
    expect(after.filter((l) => l.startsWith('all-layers.vp8,'))).toEqual(
      quality.filter((l) => l.startsWith('all-layers.vp8,')),
    );
    expect(after.filter((l) => l.startsWith(`${gone},`)).length).toBe(
      quality.filter((l) => l.startsWith(`${gone},`)).length,
    );
    expect(readJson<RunRecord>(path.join(copy, 'run.json')).measure!.status).toBe('complete');
  }, 300_000);
});
