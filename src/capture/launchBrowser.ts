// One way to start each browser for simq: headless, with simq's flags or prefs, and without the
// drivers' own signal handlers (they would kill the browser and exit the process on Ctrl-C before
// simq can mark the run incomplete and keep what finished).
import { chromeArgs } from '../tools/chrome.js';
import type { BrowserName, DriverBrowser, DriverPage, LaunchOptions } from './BrowserDriverTypes.js';

export async function launchBrowser(name: BrowserName, options: LaunchOptions): Promise<DriverBrowser> {
  return name === 'firefox' ? launchFirefox(options) : launchChromium(options);
}

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
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      ...args,
      ...(extraArgs ?? []),
      ...(secureOrigin ? [`--unsafely-treat-insecure-origin-as-secure=${secureOrigin}`] : []),
    ],
    ...(env ? { env: { ...process.env, ...env } } : {}),
    timeout: timeoutMs,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
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
    close: () => browser.close(),
  };
}

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
