// Firefox: found by --firefox / FIREFOX_PATH (tools/firefox.ts), driven by puppeteer-core over WebDriver
// BiDi, playing the clip in the page from a prepared feed (input/prepareFeed.ts, the page's tap worker);
// gecko's VideoStreamFactory.cpp sizes its layers (src/allocation/GeckoStreams.ts), which libwebrtc's
// allocation model does not predict, and simq derives what it does not report (firefoxDerived.ts).
import { geckoStreams } from '../allocation/GeckoStreams.js';
import { FIREFOX_INSTALL_FIX, locateFirefox } from '../tools/firefox.js';
import type { DriverBrowser, DriverPage, LaunchOptions } from './BrowserDriverTypes.js';
import type { BrowserProfile } from './BrowserProfile.js';
import { deriveLayer } from './firefoxDerived.js';
import { FEED_PATH } from './HarnessServer.js';

/**
 * Firefox prefs for a capture: host candidates as plain addresses (an mDNS name would not resolve
 * offline) and loopback candidates allowed, so the two connections in the page find each other; a
 * muted clip may play without a gesture; no update, telemetry or remote-settings calls.
 */
export const FIREFOX_PREFS: Record<string, unknown> = {
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.peerconnection.ice.loopback': true,
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  'app.update.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'network.captive-portal-service.enabled': false,
  'dom.min_background_timeout_value': 0,
};

async function launchFirefox({
  executablePath,
  timeoutMs,
  env,
  extraArgs,
  secureOrigin,
}: LaunchOptions): Promise<DriverBrowser> {
  // puppeteer-core drives Debian's Firefox over WebDriver BiDi; playwright-core needs its own Firefox build.
  const puppeteer = (await import('puppeteer-core')).default;
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    timeout: timeoutMs,
    protocolTimeout: Math.max(timeoutMs, 180_000),
    // dom/security/nsMixedContentBlocker.cpp reads dom.securecontext.allowlist (host names).
    extraPrefsFirefox: secureOrigin
      ? { ...FIREFOX_PREFS, 'dom.securecontext.allowlist': new URL(secureOrigin).hostname }
      : FIREFOX_PREFS,
    ...(env ? { env: { ...process.env, ...env } } : {}),
    ...(extraArgs?.length ? { args: extraArgs } : {}),
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  // "Firefox/153.8.0esr" or "firefox/153.8.0esr"
  const version = (await browser.version()).replace(/^firefox\//i, '');
  return {
    name: 'firefox',
    version,
    async newPage(): Promise<DriverPage> {
      const page = await browser.newPage();
      return {
        goto: async (url, timeout) => void (await page.goto(url, { timeout })),
        evaluate: (fn, arg) => page.evaluate(fn as never, arg as never) as never,
        waitForGlobal: async (global, timeout) =>
          void (await page.waitForFunction((g: string) => g in globalThis, { timeout }, global)),
        onPageError: (listener) => page.on('pageerror', (e) => listener((e as Error).message ?? String(e))),
      };
    },
    onDisconnected: (listener) => browser.on('disconnected', listener),
    close: () => browser.close(),
  };
}

export const firefoxProfile: BrowserProfile = {
  name: 'firefox',
  label: 'Firefox',
  versionPrefix: 'Firefox ',
  installFix: FIREFOX_INSTALL_FIX,
  locate: (paths, env) => locateFirefox(paths.firefox, env),
  launch: launchFirefox,
  // puppeteer reaches Firefox's WebDriver BiDi server on a TCP port of 127.0.0.1, which inside the
  // sender's namespace is the namespace's own loopback (commands/capture.ts refuses such scenarios).
  drivenInNamespace: false,
  missingCodecNotes: {
    h264: 'Firefox encodes H.264 only with the OpenH264 plugin, which it downloads; offline it has none',
  },
  // gecko's dom/media/webrtc/libwebrtcglue/VideoStreamFactory.cpp configures every encoding (it drops none).
  layerSizes: (_codec, input, encodings) => geckoStreams(input, encodings),
  playsFeed: true,
  cameraName: "page's clip",
  pageConfig: () => ({ browser: 'firefox', feedUrl: FEED_PATH }),
  // The model is libwebrtc's allocator (Chromium); Firefox's layers carry gecko's table under `derived`.
  predictedByAllocationModel: false,
  deriveLayer,
};
