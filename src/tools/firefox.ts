// Finding Firefox without downloading one: --firefox PATH, FIREFOX_PATH, then the standard locations
// on Linux and macOS. puppeteer-core drives it over WebDriver BiDi; it never fetches a browser itself.
import { existsSync } from 'node:fs';
import { EnvironmentError } from '../errors.js';
import { findOnPath, isExecutable } from './ffmpeg.js';

export type FirefoxSource = 'flag' | 'FIREFOX_PATH' | 'standard location' | 'PATH';

export interface FirefoxLocation {
  path: string;
  source: FirefoxSource;
}

const STANDARD_LOCATIONS: Record<string, string[]> = {
  linux: ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/usr/lib/firefox-esr/firefox-esr', '/usr/lib/firefox/firefox', '/snap/bin/firefox'],
  darwin: ['/Applications/Firefox.app/Contents/MacOS/firefox'],
};

const PATH_NAMES = ['firefox-esr', 'firefox'];

export const FIREFOX_INSTALL_FIX =
  process.platform === 'darwin'
    ? 'install Firefox, or pass --firefox /path/to/firefox (or set FIREFOX_PATH)'
    : 'sudo apt-get install -y firefox-esr   (or pass --firefox /path/to/firefox, or set FIREFOX_PATH)';

export function locateFirefox(flag?: string, env: NodeJS.ProcessEnv = process.env): FirefoxLocation {
  if (flag) {
    if (!existsSync(flag) || !isExecutable(flag)) throw new EnvironmentError(`--firefox ${flag}: no executable file there`, FIREFOX_INSTALL_FIX);
    return { path: flag, source: 'flag' };
  }
  if (env.FIREFOX_PATH) {
    if (!existsSync(env.FIREFOX_PATH) || !isExecutable(env.FIREFOX_PATH)) {
      throw new EnvironmentError(`FIREFOX_PATH=${env.FIREFOX_PATH}: no executable file there`, 'unset FIREFOX_PATH or point it at a Firefox binary');
    }
    return { path: env.FIREFOX_PATH, source: 'FIREFOX_PATH' };
  }
  for (const p of STANDARD_LOCATIONS[process.platform] ?? []) {
    if (existsSync(p) && isExecutable(p)) return { path: p, source: 'standard location' };
  }
  for (const name of PATH_NAMES) {
    const p = findOnPath(name, env.PATH);
    if (p) return { path: p, source: 'PATH' };
  }
  throw new EnvironmentError('no Firefox found (looked at --firefox, FIREFOX_PATH, standard locations, PATH)', FIREFOX_INSTALL_FIX);
}
