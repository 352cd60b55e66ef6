// Finding Chromium / Chrome without downloading one: --chrome PATH, CHROME_PATH, then the standard
// locations on Linux and macOS. playwright-core drives it; it never fetches a browser itself.
import { locateBrowserBinary } from './locateBrowser.js';

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
  return locateBrowserBinary(
    {
      flagName: '--chrome',
      envName: 'CHROME_PATH',
      standardLocations: STANDARD_LOCATIONS,
      pathNames: PATH_NAMES,
      installFix: CHROME_INSTALL_FIX,
      envFix: 'unset CHROME_PATH or point it at a Chrome/Chromium binary',
      notFound: 'no Chromium or Chrome found',
    },
    flag,
    env,
  );
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
