// Finding Firefox without downloading one: --firefox PATH, FIREFOX_PATH, then the standard locations
// on Linux and macOS. puppeteer-core drives it over WebDriver BiDi; it never fetches a browser itself.
import { locateBrowserBinary } from './locateBrowser.js';

export type FirefoxSource = 'flag' | 'FIREFOX_PATH' | 'standard location' | 'PATH';

export interface FirefoxLocation {
  path: string;
  source: FirefoxSource;
}

const STANDARD_LOCATIONS: Record<string, string[]> = {
  linux: [
    '/usr/bin/firefox-esr',
    '/usr/bin/firefox',
    '/usr/lib/firefox-esr/firefox-esr',
    '/usr/lib/firefox/firefox',
    '/snap/bin/firefox',
  ],
  darwin: ['/Applications/Firefox.app/Contents/MacOS/firefox'],
};

const PATH_NAMES = ['firefox-esr', 'firefox'];

export const FIREFOX_INSTALL_FIX =
  process.platform === 'darwin'
    ? 'install Firefox, or pass --firefox /path/to/firefox (or set FIREFOX_PATH)'
    : 'sudo apt-get install -y firefox-esr   (or pass --firefox /path/to/firefox, or set FIREFOX_PATH)';

export function locateFirefox(flag?: string, env: NodeJS.ProcessEnv = process.env): FirefoxLocation {
  return locateBrowserBinary(
    {
      flagName: '--firefox',
      envName: 'FIREFOX_PATH',
      standardLocations: STANDARD_LOCATIONS,
      pathNames: PATH_NAMES,
      installFix: FIREFOX_INSTALL_FIX,
      envFix: 'unset FIREFOX_PATH or point it at a Firefox binary',
      notFound: 'no Firefox found',
    },
    flag,
    env,
  );
}
