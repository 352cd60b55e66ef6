// Locations inside the simq package, whether running from dist/ (the CLI) or src/ (tests).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'simq') return (root = dir);
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
