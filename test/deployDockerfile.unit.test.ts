// deploy/Dockerfile without a Docker engine (none runs here, so the image is not built by any test):
// the parts that decide whether the image works are read from the file and checked, and every path
// it COPYs must exist in the repository and survive .dockerignore. Each check is shown to reject a
// broken copy of the file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copySources, dockerfileProblems, isIgnored, parseDockerfile } from './helpers/dockerfileCheck.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const DOCKERFILE = readFileSync(path.join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
const ctx = { root: ROOT, dockerignore: readFileSync(path.join(ROOT, '.dockerignore'), 'utf8') };
const problemsOf = (text: string) => dockerfileProblems(text, ctx);

describe('deploy/Dockerfile', () => {
  it('Node 20 on bookworm, chromium + firefox-esr from apt, non-root, ENTRYPOINT simq, every COPY in the repository', () => {
    expect(problemsOf(DOCKERFILE)).toEqual([]);
  });

  it('copies the sources the build needs and none that .dockerignore drops', () => {
    expect(copySources(parseDockerfile(DOCKERFILE))).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.json', 'src/', 'bin/', 'data/']),
    );
    for (const p of ['node_modules', 'dist/cli.js', 'results/x', 'samples/camera.mp4', 'test/x.test.ts', '.git'])
      expect(isIgnored(p, ctx.dockerignore), p).toBe(true);
    for (const p of ['src/cli.ts', 'bin/simq', 'package.json', 'deploy/fetch-vmaf-models.mjs'])
      expect(isIgnored(p, ctx.dockerignore), p).toBe(false);
  });

  it('shows the capabilities shaped links need, in the run line users copy', () => {
    expect(DOCKERFILE).toMatch(/docker run [^\n]*--user 0 --cap-add NET_ADMIN --cap-add SYS_ADMIN/);
    // The same capabilities netCapability.ts checks and names in its fix.
    const cap = readFileSync(path.join(ROOT, 'src', 'link', 'netCapability.ts'), 'utf8');
    expect(cap).toMatch(/CAP_NET_ADMIN = 12/);
    expect(cap).toMatch(/CAP_SYS_ADMIN = 21/);
    expect(cap).toContain('--cap-add NET_ADMIN --cap-add SYS_ADMIN');
  });

  it('the model fetch script imports simq modules that exist with those exports', () => {
    const script = readFileSync(path.join(ROOT, 'deploy', 'fetch-vmaf-models.mjs'), 'utf8');
    const imports = [...script.matchAll(/import \{ ([^}]+) \} from '\.\.\/dist\/(\S+)\.js'/g)];
    expect(imports.length).toBe(2);
    for (const [, names, mod] of imports) {
      const src = readFileSync(path.join(ROOT, 'src', `${mod}.ts`), 'utf8');
      for (const n of names.split(',').map((x) => x.trim()))
        expect(src, `${mod}: ${n}`).toMatch(new RegExp(`export (async function|function|const) ${n}\\b`));
    }
  });

  it('rejects another base, a missing browser, root, a shell-form entrypoint', () => {
    const broken = DOCKERFILE.replace('FROM node:20-bookworm-slim', 'FROM node:22-alpine')
      .replace('chromium firefox-esr', 'chromium')
      .replace('tini iproute2 nftables', 'tini iproute2')
      .replace('USER 10001:10001', 'USER root')
      .replace('ENTRYPOINT ["/usr/bin/tini", "--", "simq"]', 'ENTRYPOINT simq');
    expect(problemsOf(broken)).toEqual([
      'base "node:22-alpine" is not Node 20 on Debian bookworm',
      'apt-get install lacks firefox-esr',
      'apt-get install lacks nftables (shaped links)',
      'runs as root',
      'ENTRYPOINT simq is in shell form: signals would go to a shell, not simq',
    ]);
  });

  it('rejects a COPY of a missing path, of an ignored path, a COPY after npm ci, and a build without tsconfig.json', () => {
    const broken = DOCKERFILE.replace(
      'COPY data/ data/',
      'COPY data/ data/\nCOPY deploy/missing.json deploy/\nCOPY test/ test/',
    )
      .replace('COPY package.json package-lock.json tsconfig.json ./', 'COPY package.json package-lock.json ./')
      .replace('ENTRYPOINT', 'COPY README.md ./\nENTRYPOINT');
    expect(problemsOf(broken)).toEqual([
      'COPY deploy/missing.json: not in the repository',
      'COPY test/: excluded by .dockerignore',
      'tsconfig.json is needed by npm ci / the build but not copied',
      'a COPY comes after npm ci (the prepare script builds from the sources)',
    ]);
  });
});
