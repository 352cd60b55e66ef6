// simq as a package, the way someone who does not clone installs it: `npm pack` (its prepack build),
// the tarball installed into an empty project with `--omit=dev --ignore-scripts` (the npm registry
// or its cache for the dependencies), then `npx simq doctor`, `npx simq plan`, a short capture, and
// a Firefox capture (puppeteer-core must be a run-time dependency). Expectations by construction:
// what the tarball must hold and must not, and exit 0 with the files a capture writes. The
// @ffmpeg-installer binary's x bit is taken away first, as an install script held back (npm 11's
// unapproved scripts, --ignore-scripts) leaves it: simq must still find a runnable ffmpeg.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateFirefox } from '../src/tools/firefox.js';
import { cameraSample, readJson, ROOT, testEnv } from './helpers/simq.js';

const MIN = 60_000;
let tmp: string;
let tarball: string;
let project: string;

function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs = 5 * MIN,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const npx = (args: string[], timeoutMs?: number) => run('npx', ['--no-install', 'simq', ...args], project, timeoutMs);

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-package-'));
  const packed = await run('npm', ['pack', '--pack-destination', tmp, '--json'], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  tarball = path.join(tmp, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);
  project = path.join(tmp, 'project');
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-simq', private: true }));
  const installed = await run(
    'npm',
    ['install', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', tarball],
    project,
    10 * MIN,
  );
  expect(installed.code, installed.stderr).toBe(0);
  // What a held-back `chmod u+x ffmpeg` (the package's install script) leaves.
  chmodSync(path.join(project, 'node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg'), 0o644);
}, 15 * MIN);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the packed and installed simq', () => {
  it('holds what runs (dist, page bundles, data, docs) and no tests, fixtures, sources or samples', async () => {
    const list = await run('tar', ['tzf', tarball], tmp);
    const files = list.stdout
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    for (const f of [
      'bin/simq',
      'dist/cli.js',
      'dist/page/harness.js',
      'dist/report-page/reportPage.js',
      'data/validation-matrix.json',
      'docs/vmaf.md',
      'README.md',
      'package.json',
    ]) {
      expect(files, f).toContain(f);
    }
    for (const prefix of ['test/', 'samples/', 'deploy/', 'node_modules/', 'results/', 'dist/bench/'])
      expect(
        files.filter((f) => f.startsWith(prefix)),
        prefix,
      ).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') || f.endsWith('.map'))).toEqual([]);
    // Dev dependencies stay out; puppeteer-core (Firefox's driver, imported at run time) is in.
    const modules = readdirSync(path.join(project, 'node_modules'));
    expect(modules).toContain('puppeteer-core');
    for (const dev of ['vitest', 'typescript', 'eslint']) expect(modules).not.toContain(dev);
  });

  it(
    'npx simq doctor: every required part found, ffmpeg made runnable',
    async () => {
      const r = await npx(['doctor', '--json']);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const doc = JSON.parse(r.stdout) as {
        canAnalyze: boolean;
        checks: { component: string; ok: boolean; detail: string }[];
      };
      expect(doc.canAnalyze).toBe(true);
      const ffmpeg = doc.checks.find((c) => c.component === 'ffmpeg')!;
      expect(ffmpeg.ok).toBe(true);
      expect(ffmpeg.detail).toContain('libvmaf');
      expect(doc.checks.find((c) => c.component === 'simq build')!.detail).toContain(
        path.join(project, 'node_modules', 'simq', 'dist', 'page'),
      );
      // The binary in the package has its x bit back (simq's own chmod u+x).
      expect(
        statSync(path.join(project, 'node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg')).mode & 0o100,
      ).toBe(0o100);
    },
    5 * MIN,
  );

  it('npx simq plan', async () => {
    const r = await npx(['plan']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\bq h f\b/);
  });

  it(
    'npx simq capture: a short capture from the installed package',
    async () => {
      const out = path.join(tmp, 'runs');
      const r = await npx([
        'capture',
        await cameraSample(),
        '--scenario',
        'all-layers',
        '--codec',
        'vp8',
        '--duration',
        '2',
        '--warmup',
        '1',
        '--out',
        out,
        '--run-id',
        'installed',
        '--allow-degraded',
        '--quiet',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const record = readJson<{ scenarios: { layers: { bitstream?: string }[] }[] }>(
        path.join(out, 'installed', 'run.json'),
      );
      for (const l of record.scenarios[0].layers)
        expect(existsSync(path.join(out, 'installed', 'all-layers.vp8', l.bitstream!))).toBe(true);
    },
    5 * MIN,
  );

  it(
    'npx simq capture --browser firefox loads its driver (puppeteer-core) from the install',
    async (ctx) => {
      let firefox: string | undefined;
      try {
        firefox = locateFirefox().path;
      } catch (e) {
        // Firefox is optional (README: --browser firefox); without it this cannot be tried here.
        console.warn(`SKIPPED: no Firefox on this machine (${(e as Error).message}); apt-get install firefox-esr`);
        return ctx.skip();
      }
      const out = path.join(tmp, 'runs');
      const r = await npx([
        'capture',
        await cameraSample(),
        '--browser',
        'firefox',
        '--firefox',
        firefox,
        '--scenario',
        'all-layers',
        '--codec',
        'vp8',
        '--duration',
        '2',
        '--warmup',
        '1',
        '--out',
        out,
        '--run-id',
        'firefox',
        '--allow-degraded',
        '--quiet',
      ]);
      expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (package|module)/);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(path.join(out, 'firefox', 'run.json'))).toBe(true);
    },
    5 * MIN,
  );
});
