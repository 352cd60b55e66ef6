// One lookup order for every browser binary: the flag, the environment variable, the standard
// locations of this platform, then PATH. simq never downloads a browser (offline machines, pinned
// CI images): it says what to install instead.
import { existsSync } from 'node:fs';
import { EnvironmentError } from '../errors.js';
import { findOnPath, isExecutable } from './ffmpeg.js';

export interface BrowserLookup<EnvName extends string> {
  /** e.g. "--chrome" */
  flagName: string;
  /** e.g. "CHROME_PATH" */
  envName: EnvName;
  standardLocations: Record<string, string[]>;
  pathNames: string[];
  installFix: string;
  /** Fix line for a variable that points nowhere. */
  envFix: string;
  /** e.g. "no Chromium or Chrome found" */
  notFound: string;
}

export interface BrowserLocation<EnvName extends string> {
  path: string;
  source: 'flag' | EnvName | 'standard location' | 'PATH';
}

export function locateBrowserBinary<EnvName extends string>(
  lookup: BrowserLookup<EnvName>,
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): BrowserLocation<EnvName> {
  const usable = (p: string) => existsSync(p) && isExecutable(p);
  if (flag) {
    if (!usable(flag))
      throw new EnvironmentError(`${lookup.flagName} ${flag}: no executable file there`, lookup.installFix);
    return { path: flag, source: 'flag' };
  }
  const fromEnv = env[lookup.envName];
  if (fromEnv) {
    if (!usable(fromEnv))
      throw new EnvironmentError(`${lookup.envName}=${fromEnv}: no executable file there`, lookup.envFix);
    return { path: fromEnv, source: lookup.envName };
  }
  for (const p of lookup.standardLocations[process.platform] ?? []) {
    if (usable(p)) return { path: p, source: 'standard location' };
  }
  for (const name of lookup.pathNames) {
    const p = findOnPath(name, env.PATH);
    if (p) return { path: p, source: 'PATH' };
  }
  throw new EnvironmentError(
    `${lookup.notFound} (looked at ${lookup.flagName}, ${lookup.envName}, standard locations, PATH)`,
    lookup.installFix,
  );
}
