// Finding Chromium / Chrome without downloading one: --chrome PATH, CHROME_PATH, then the standard
// locations on Linux and macOS. playwright-core drives it; it never fetches a browser itself.
import { existsSync } from 'node:fs';
import { EnvironmentError } from '../errors.js';
import { findOnPath, isExecutable } from './ffmpeg.js';

export type ChromeSource = 'flag' | 'CHROME_PATH' | 'standard location' | 'PATH';

export interface ChromeLocation {
  path: string;
  source: ChromeSource;
}

const STANDARD_LOCATIONS: Record<string, string[]> = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
    '/snap/bin/chromium',
  ],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary',
  ],
};

const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

export const CHROME_INSTALL_FIX =
  process.platform === 'darwin'
    ? 'install Google Chrome, or pass --chrome /path/to/chrome (or set CHROME_PATH)'
    : 'sudo apt-get install -y chromium   (or pass --chrome /path/to/chrome, or set CHROME_PATH)';


export function locateChrome(flag?: string, env: NodeJS.ProcessEnv = process.env): ChromeLocation {
  if (flag) {
    if (!existsSync(flag) || !isExecutable(flag)) throw new EnvironmentError(`--chrome ${flag}: no executable file there`, CHROME_INSTALL_FIX);
    return { path: flag, source: 'flag' };
  }
  if (env.CHROME_PATH) {
    if (!existsSync(env.CHROME_PATH) || !isExecutable(env.CHROME_PATH)) {
      throw new EnvironmentError(`CHROME_PATH=${env.CHROME_PATH}: no executable file there`, 'unset CHROME_PATH or point it at a Chrome/Chromium binary');
    }
    return { path: env.CHROME_PATH, source: 'CHROME_PATH' };
  }
  for (const p of STANDARD_LOCATIONS[process.platform] ?? []) {
    if (existsSync(p) && isExecutable(p)) return { path: p, source: 'standard location' };
  }
  for (const name of PATH_NAMES) {
    const p = findOnPath(name, env.PATH);
    if (p) return { path: p, source: 'PATH' };
  }
  throw new EnvironmentError('no Chromium or Chrome found (looked at --chrome, CHROME_PATH, standard locations, PATH)', CHROME_INSTALL_FIX);
}

/**
 * Flags for a headless capture. The network flags keep Chromium from calling Google hosts, which a
 * closed network refuses, many at a time; --no-sandbox because CI runs as root.
 */
export function chromeArgs(fakeCaptureY4m: string): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-extensions',
    '--mute-audio',
    // A hidden or occluded page would get its timers throttled: keep the page's 1 s stats clock honest.
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${fakeCaptureY4m}`,
  ];
}
