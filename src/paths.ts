// Locations inside the simq package, whether running from dist/ (the CLI) or src/ (tests).
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'simq')
      return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the simq package root');
    dir = parent;
  }
}

/** The compiled loopback page (built by `npm run build` into dist/page). */
export function pageDir(): string {
  return path.join(packageRoot(), 'dist', 'page');
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** simq's user cache: `$SIMQ_CACHE_DIR`, else `$XDG_CACHE_HOME/simq`, else `~/.cache/simq`; with a subfolder. */
export function simqCacheDir(subfolder: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = env.SIMQ_CACHE_DIR
    ? path.resolve(env.SIMQ_CACHE_DIR)
    : env.XDG_CACHE_HOME
      ? path.join(path.resolve(env.XDG_CACHE_HOME), 'simq')
      : path.join(env.HOME || os.homedir(), '.cache', 'simq');
  return path.join(root, subfolder);
}
