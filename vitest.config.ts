import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Three tiers, chosen by the test file's name (CONTRIBUTING.md "Tests"):
//   *.unit.test.ts     pure logic on data made by hand or by construction: no external tool, no ffmpeg
//                      run, no model files, no build. Seconds; the first thing to run.
//   *.cli.test.ts      the built CLI, ffmpeg, libvmaf, model files, Docker/ffmpeg stand-ins, recorded
//                      runs (test/fixtures/capture-run): NO browser, no Janus, no links. Files run in
//                      parallel (2 workers).
//   *.browser.test.ts  real Chromium or Firefox captures, Janus, links (tc/nft): one file at a time.
// A test file under test/ whose name says no tier stops every run here, naming it, so a new file never
// joins a slow tier (or a fast one) by default.
const unclassified = readdirSync(new URL('./test', import.meta.url), { recursive: true, encoding: 'utf8' })
  // Fixtures may hold installed packages (test/fixtures/export-consumer/node_modules) with tests of their own.
  .filter((f) => !/(^|\/)(node_modules|fixtures)\//.test(f))
  .filter((f) => /\.test\.[cm]?[jt]sx?$/.test(f) && !/\.(unit|cli|browser)\.test\.ts$/.test(f))
  .map((f) => `test/${f}`);
if (unclassified.length) {
  throw new Error(
    `test files without a tier in their name: ${unclassified.join(', ')}. ` +
      `Rename each to NAME.unit.test.ts, NAME.cli.test.ts or NAME.browser.test.ts by what it runs (CONTRIBUTING.md "Tests").`,
  );
}
const tierGlob = (tier: 'unit' | 'cli' | 'browser') => [`test/**/*.${tier}.test.ts`];

// Tiers that run the built CLI build dist/ first when a source is newer, and check the VMAF model files (test/globalSetup.ts).
const WITH_BUILD = { testTimeout: 180_000, hookTimeout: 300_000, globalSetup: ['test/globalSetup.ts'] };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: tierGlob('unit'),
          // Pure logic, no mocks, no process state: files share worker threads and their module cache, so
          // the tier's time goes to tests, not to re-importing src/ 68 times (44 s -> about 10 s here).
          pool: 'threads',
          isolate: false,
        },
      },
      {
        test: {
          name: 'cli',
          include: tierGlob('cli'),
          ...WITH_BUILD,
          // ffmpeg and libvmaf are CPU-heavy and the machine has 2 cores shared with browser captures:
          // two files at a time.
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'browser',
          include: tierGlob('browser'),
          ...WITH_BUILD,
          // Captures drive a real Chromium encoder on a 2-core machine: running test files side by side
          // would starve the encoder and make the browser report CPU-limited layers. One file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
