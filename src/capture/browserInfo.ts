// What the browser is and which video codecs it can encode, asked once before a run starts so a
// missing codec fails before anything is captured (and for `simq doctor`).
import { EnvironmentError } from '../errors.js';
import type { Codec } from '../scenario/ScenarioTypes.js';
import { CHROME_INSTALL_FIX, locateChrome, type ChromeSource } from '../tools/chrome.js';
import { launchBrowser } from './launchBrowser.js';

export interface BrowserInfo {
  path: string;
  source: ChromeSource;
  /** e.g. "156.0.8078.79" */
  version: string;
  userAgent?: string;
  /** Lower-case codec names RTCRtpSender.getCapabilities('video') lists (rtx/red/fec removed). */
  encodableCodecs: string[];
}

export async function probeBrowser(flag?: string, env: NodeJS.ProcessEnv = process.env): Promise<BrowserInfo> {
  const located = locateChrome(flag, env);
  let browser;
  try {
    browser = await launchBrowser(located.path, undefined, 60_000);
  } catch (e) {
    throw new EnvironmentError(`${located.path} (${located.source}) does not start headless: ${(e as Error).message.split('\n')[0]}`, CHROME_INSTALL_FIX);
  }
  try {
    const page = await browser.newPage();
    // Runs in the page; typed structurally because the Node build has no DOM types.
    const info = await page.evaluate(() => {
      const g = globalThis as unknown as {
        RTCRtpSender: { getCapabilities(kind: string): { codecs: { mimeType: string }[] } | null };
        navigator: { userAgent: string };
      };
      const caps = g.RTCRtpSender.getCapabilities('video');
      return {
        userAgent: g.navigator.userAgent,
        codecs: [...new Set((caps?.codecs ?? []).map((c) => c.mimeType.replace(/^video\//i, '').toLowerCase()))],
      };
    });
    return {
      path: located.path,
      source: located.source,
      version: browser.version(),
      userAgent: info.userAgent,
      encodableCodecs: info.codecs.filter((c) => !['rtx', 'red', 'ulpfec', 'flexfec-03'].includes(c)),
    };
  } finally {
    await browser.close().catch(() => undefined);
  }
}

export function assertEncodable(browser: BrowserInfo, codecs: Codec[]): void {
  const missing = codecs.filter((c) => !browser.encodableCodecs.includes(c));
  if (missing.length) {
    throw new EnvironmentError(
      `Chromium ${browser.version} (${browser.path}) cannot encode ${missing.join(', ')}; it can encode: ${browser.encodableCodecs.join(', ')}`,
      `use --codec ${browser.encodableCodecs.filter((c) => ['vp8', 'vp9', 'h264', 'av1'].includes(c)).join(',')}`,
    );
  }
}
