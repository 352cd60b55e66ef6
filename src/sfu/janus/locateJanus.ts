// Finding the Janus binary the same way as the browsers (src/tools/locateBrowser.ts): --janus PATH,
// JANUS_PATH, the standard locations, then PATH. simq never installs it: it says how.
import { locateBrowserBinary, type BrowserLocation } from '../../tools/locateBrowser.js';

export const JANUS_INSTALL_FIX =
  process.platform === 'darwin'
    ? 'brew install janus   (or pass --janus /path/to/janus, or set JANUS_PATH)'
    : 'sudo apt-get install -y janus   (or pass --janus /path/to/janus, or set JANUS_PATH)';

const STANDARD_LOCATIONS: Record<string, string[]> = {
  linux: ['/usr/bin/janus', '/usr/local/bin/janus', '/opt/janus/bin/janus'],
  darwin: ['/opt/homebrew/bin/janus', '/usr/local/bin/janus', '/opt/janus/bin/janus'],
};

export type JanusLocation = BrowserLocation<'JANUS_PATH'>;

export function locateJanus(flag?: string, env: NodeJS.ProcessEnv = process.env): JanusLocation {
  return locateBrowserBinary(
    {
      flagName: '--janus',
      envName: 'JANUS_PATH',
      standardLocations: STANDARD_LOCATIONS,
      pathNames: ['janus'],
      installFix: JANUS_INSTALL_FIX,
      envFix: 'unset JANUS_PATH or point it at the janus binary (Debian: /usr/bin/janus)',
      notFound: 'no Janus found',
    },
    flag,
    env,
  );
}

/** "1.1.2" from `janus --version` ("Janus version: 1102 (1.1.2)"), without starting a server. */
export function parseJanusVersion(output: string): string | undefined {
  return /Janus version:\s*\d+\s*\(([^)]+)\)/.exec(output)?.[1];
}
