// uPlot (MIT, https://github.com/leeoniya/uPlot) is read from node_modules when a report is made and
// inlined into it, with its licence, so the report needs no network and no install to open.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EnvironmentError } from '../errors.js';

export interface UplotAssets {
  version: string;
  js: string;
  css: string;
  license: string;
}

let cached: UplotAssets | undefined;

export function loadUplotAssets(): UplotAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = path.dirname(require.resolve('uplot/package.json'));
  } catch {
    throw new EnvironmentError(
      'the uplot package is not installed (the HTML report inlines its chart code)',
      'npm ci   (in the simq folder)',
    );
  }
  const read = (file: string) => {
    try {
      return readFileSync(path.join(dir, file), 'utf8');
    } catch (e) {
      throw new EnvironmentError(
        `cannot read ${path.join(dir, file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        'npm ci   (in the simq folder)',
      );
    }
  };
  const pkg = JSON.parse(read('package.json')) as { version: string };
  // The licence goes inside a /* */ comment: make sure it cannot close it.
  cached = {
    version: pkg.version,
    js: read('dist/uPlot.iife.min.js'),
    css: read('dist/uPlot.min.css'),
    license: read('LICENSE').replace(/\*\//g, '* /'),
  };
  return cached;
}
