// Chromium (or Chrome): found by --chrome / CHROME_PATH (tools/chrome.ts), driven by playwright-core
// over CDP, with the clip as its fake camera; libwebrtc's encoder_stream_factory.cc sizes its layers
// and simq's allocation model (src/allocation/) predicts them.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configuredLayerSizes } from '../allocation/StreamResolutions.js';
import { CHROME_INSTALL_FIX, chromeArgs, locateChrome } from '../tools/chrome.js';
import type { DriverBrowser, DriverPage, LaunchOptions } from './BrowserDriverTypes.js';
import type { BrowserProfile } from './BrowserProfile.js';

async function launchChromium({
  executablePath,
  fakeCaptureY4m,
  timeoutMs,
  env,
  extraArgs,
  secureOrigin,
}: LaunchOptions): Promise<DriverBrowser> {
  // Loaded on use: playwright-core takes half a second to import, which `simq plan` should not pay.
  const { chromium } = await import('playwright-core');
  const args = chromeArgs(fakeCaptureY4m ?? '').filter(
    (a) => fakeCaptureY4m !== undefined || !a.startsWith('--use-file-for-fake'),
  );
  // Chromium's own temporary files (its singleton socket folder, org.chromium.Chromium.*) go into a
  // folder of simq's, removed when the browser is gone: a browser that is killed leaves them behind,
  // and the tests that kill one on purpose left one in /tmp per run.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-chromium-'));
  const removeTmp = () => rmSync(tmp, { recursive: true, force: true });
  const browser = await chromium
    .launch({
      executablePath,
      headless: true,
      args: [
        ...args,
        ...(extraArgs ?? []),
        ...(secureOrigin ? [`--unsafely-treat-insecure-origin-as-secure=${secureOrigin}`] : []),
      ],
      env: { ...process.env, ...env, TMPDIR: tmp },
      timeout: timeoutMs,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    })
    .catch((e: unknown) => {
      removeTmp();
      throw e;
    });
  browser.on('disconnected', removeTmp);
  return {
    name: 'chromium',
    version: browser.version(),
    async newPage(): Promise<DriverPage> {
      const page = await browser.newPage();
      return {
        goto: async (url, timeout) => void (await page.goto(url, { timeout })),
        evaluate: (fn, arg) => page.evaluate(fn as never, arg as never) as never,
        waitForGlobal: async (global, timeout) =>
          void (await page.waitForFunction((g) => g in globalThis, global, { timeout })),
        onPageError: (listener) => page.on('pageerror', (e) => listener(e.message)),
      };
    },
    onDisconnected: (listener) => browser.on('disconnected', listener),
    close: () => browser.close().finally(removeTmp),
  };
}

export const chromiumProfile: BrowserProfile = {
  name: 'chromium',
  label: 'Chromium',
  versionPrefix: '',
  installFix: CHROME_INSTALL_FIX,
  locate: (paths, env) => locateChrome(paths.chrome, env),
  launch: launchChromium,
  // playwright drives Chromium over a pipe, which crosses network namespaces.
  drivenInNamespace: true,
  missingCodecNotes: {},
  // libwebrtc's encoder_stream_factory.cc: scaleResolutionDownTo, unset scales, layers dropped for small inputs.
  layerSizes: (codec, input, encodings) => configuredLayerSizes(codec, input, encodings),
  playsFeed: false,
  cameraName: 'fake camera',
  pageConfig: () => ({}),
  predictedByAllocationModel: true,
};
