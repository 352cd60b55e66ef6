// What the browser is and which video codecs it can encode, asked once before a run starts so a
// missing codec fails before anything is captured (and for `simq doctor`).
import { EnvironmentError } from '../errors.js';
import type { Codec } from '../scenario/ScenarioTypes.js';
import type { ChromeSource } from '../tools/chrome.js';
import type { FirefoxSource } from '../tools/firefox.js';
import { runProcess } from '../tools/process.js';
import { probeKey, readProbe, writeProbe } from './browserProbeCache.js';
import type { BrowserName } from './BrowserDriverTypes.js';
import { browserProfile, type BrowserLocation, type BrowserPaths, type BrowserProfile } from './BrowserProfile.js';

export interface BrowserInfo {
  name: BrowserName;
  path: string;
  source: ChromeSource | FirefoxSource;
  /** e.g. "156.0.8078.79" or "153.8.0esr" */
  version: string;
  userAgent?: string;
  /** Lower-case codec names RTCRtpSender.getCapabilities('video') lists (rtx/red/fec removed). */
  encodableCodecs: string[];
}

/** How long a browser binary may take to print its version (it starts no browser for that). */
const VERSION_TIMEOUT_MS = 15_000;

/**
 * A binary that hangs (a wrapper stuck on something, a broken install) would hold the launch for its
 * whole 60 s timeout, and playwright-core then waits 30 s more (DEFAULT_PLAYWRIGHT_TIMEOUT in its
 * launcher) for a graceful close it cannot do: 92 s before the user hears of it. Chromium and Firefox
 * both answer --version at once without starting a browser, so a binary that does not is named in 15 s.
 * A version that fails outright is left to the launch, whose message says more. Returns what the binary
 * printed when it answered (the probe cache's key), else undefined.
 */
async function answersVersion(profile: BrowserProfile, located: BrowserLocation): Promise<string | undefined> {
  // A binary that cannot be started at all is left to the launch too (its message names the cause).
  const r = await runProcess(located.path, ['--version'], { timeoutMs: VERSION_TIMEOUT_MS, killGroup: true }).catch(
    () => undefined,
  );
  if (r?.signal !== 'SIGKILL') return r?.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
  throw new EnvironmentError(
    `${located.path} (${located.source}) did not answer --version within ${VERSION_TIMEOUT_MS / 1000} s, so it would not start either (stopped)`,
    profile.installFix,
  );
}

/**
 * The browser's version and the codecs it can encode, asked of the browser itself. With `cache`, an
 * answer kept for the same binary (browserProbeCache.ts) is used instead of starting it, and a new
 * answer is kept; `simq doctor` always asks.
 */
export async function probeBrowser(
  paths: BrowserPaths = {},
  env: NodeJS.ProcessEnv = process.env,
  name: BrowserName = 'chromium',
  options: { cache?: boolean } = {},
): Promise<BrowserInfo> {
  const profile = browserProfile(name);
  const located = profile.locate(paths, env);
  const versionOutput = await answersVersion(profile, located);
  const key = options.cache && versionOutput ? probeKey(name, located.path, versionOutput) : undefined;
  const kept = key && readProbe(key, env);
  if (kept) return { ...kept, name, path: located.path, source: located.source };
  const info = await askBrowser(profile, located, name);
  if (key) writeProbe(key, info, env);
  return info;
}

async function askBrowser(profile: BrowserProfile, located: BrowserLocation, name: BrowserName): Promise<BrowserInfo> {
  let browser;
  try {
    browser = await profile.launch({ executablePath: located.path, timeoutMs: 60_000 });
  } catch (e) {
    throw new EnvironmentError(
      `${located.path} (${located.source}) does not start headless: ${(e as Error).message.split('\n')[0]}`,
      profile.installFix,
    );
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
    }, undefined);
    return {
      name,
      path: located.path,
      source: located.source,
      version: browser.version,
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
    const profile = browserProfile(browser.name);
    const why = missing.map((c) => (profile.missingCodecNotes[c] ? ` (${profile.missingCodecNotes[c]})` : '')).join('');
    throw new EnvironmentError(
      `${profile.label} ${browser.version} (${browser.path}) cannot encode ${missing.join(', ')}${why}; it can encode: ${browser.encodableCodecs.join(', ')}`,
      `use --codec ${browser.encodableCodecs.filter((c) => ['vp8', 'vp9', 'h264', 'av1'].includes(c)).join(',')}`,
    );
  }
}
