// Checks of deploy/Dockerfile without a Docker engine: the instructions are parsed (continuation
// lines joined, comments dropped) and the parts that decide whether the image works are checked:
// base, apt packages, user, entrypoint, environment, and that everything it COPYs exists in the
// repository and is not cut away by .dockerignore.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
}

export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (pending !== '' && line.startsWith('#')) continue; // comment lines inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    const m = /^(\S+)\s*(.*)$/.exec(full);
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2] });
  }
  return out;
}

/** A .dockerignore pattern as a regular expression: `*` and `?` stay within one path part, `**` spans parts. */
function patternRegex(pattern: string): RegExp {
  const parts = pattern.replace(/\/$/, '').split('**');
  const body = parts
    .map((p) =>
      p
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]'),
    )
    .join('.*');
  return new RegExp(`^${body}(/.*)?$`);
}

/** Does the path (relative to the build context) fall under a .dockerignore pattern? */
export function isIgnored(rel: string, dockerignore: string): boolean {
  const clean = rel.replace(/^\.\//, '').replace(/\/$/, '');
  return dockerignore
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'))
    .some((p) => patternRegex(p).test(clean));
}

/** COPY/ADD sources from the build context (flags such as --chown dropped; --from copies skipped). */
export function copySources(instructions: Instruction[]): string[] {
  return instructions
    .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    .flatMap((i) => {
      const words = i.args.trim().startsWith('[') ? (JSON.parse(i.args) as string[]) : i.args.split(/\s+/);
      if (words.some((w) => w.startsWith('--from='))) return [];
      const plain = words.filter((w) => !w.startsWith('--'));
      return plain.slice(0, -1);
    });
}

function aptPackages(instructions: Instruction[]): string[] {
  return instructions
    .filter((i) => i.keyword === 'RUN')
    .flatMap((i) =>
      [...i.args.matchAll(/apt-get install((?:\s+(?:-\S+|[a-z0-9][a-z0-9.+-]*))+)/g)].flatMap((m) =>
        m[1].trim().split(/\s+/),
      ),
    )
    .filter((w) => !w.startsWith('-'));
}

function envOf(instructions: Instruction[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const i of instructions.filter((x) => x.keyword === 'ENV')) {
    for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g))
      env.set(m[1], m[2].replace(/^"|"$/g, ''));
  }
  return env;
}

export interface DockerfileContext {
  root: string;
  dockerignore: string;
}

export function dockerfileProblems(text: string, ctx: DockerfileContext): string[] {
  const ins = parseDockerfile(text);
  return [...baseProblems(ins), ...userAndEntrypointProblems(ins), ...copyProblems(ins, ctx)];
}

function baseProblems(ins: Instruction[]): string[] {
  const out: string[] = [];
  const froms = ins.filter((i) => i.keyword === 'FROM');
  if (froms.length !== 1) out.push(`${froms.length} FROM lines; expected one stage`);
  // The official Node image of Debian 12 "bookworm", Node 20 (simq's engines: node >= 20).
  if (froms[0] && !/^node:20(\.\d+)*-bookworm(-slim)?(@sha256:[0-9a-f]{64})?$/.test(froms[0].args.trim()))
    out.push(`base "${froms[0].args}" is not Node 20 on Debian bookworm`);
  const pkgs = aptPackages(ins);
  for (const p of ['chromium', 'firefox-esr']) if (!pkgs.includes(p)) out.push(`apt-get install lacks ${p}`);
  // Shaped links run ip and tc (iproute2) and nft (nftables): src/link/netCapability.ts.
  for (const p of ['iproute2', 'nftables'])
    if (!pkgs.includes(p)) out.push(`apt-get install lacks ${p} (shaped links)`);
  const env = envOf(ins);
  if (!env.get('SIMQ_VMAF_MODEL_DIR')) out.push('no ENV SIMQ_VMAF_MODEL_DIR (where simq finds the VMAF model files)');
  // Debian's chromium package installs /usr/bin/chromium.
  if (env.get('CHROME_PATH') !== '/usr/bin/chromium')
    out.push(`CHROME_PATH is "${env.get('CHROME_PATH')}", not Debian's /usr/bin/chromium`);
  return out;
}

function userAndEntrypointProblems(ins: Instruction[]): string[] {
  const out: string[] = [];
  const userAt = ins.map((i) => i.keyword).lastIndexOf('USER');
  const entryAt = ins.map((i) => i.keyword).lastIndexOf('ENTRYPOINT');
  const user = userAt >= 0 ? ins[userAt].args.trim().split(':')[0] : 'root';
  if (user === 'root' || user === '0') out.push(`runs as ${user}`);
  else if (!/^\d+$/.test(user)) out.push(`USER ${user} is not numeric: Kubernetes' runAsNonRoot cannot verify a name`);
  if (entryAt < 0) return [...out, 'no ENTRYPOINT'];
  if (userAt > entryAt) out.push('USER comes after ENTRYPOINT');
  let entry: unknown;
  try {
    entry = JSON.parse(ins[entryAt].args);
  } catch {
    return [...out, `ENTRYPOINT ${ins[entryAt].args} is in shell form: signals would go to a shell, not simq`];
  }
  const argv = entry as string[];
  const program = argv[0] === '/usr/bin/tini' ? argv[argv.indexOf('--') + 1] : argv[0];
  if (argv[0] === '/usr/bin/tini' && !aptPackages(ins).includes('tini'))
    out.push('ENTRYPOINT uses /usr/bin/tini but apt-get installs no tini');
  if (program !== 'simq') out.push(`ENTRYPOINT runs ${JSON.stringify(argv)}, not simq`);
  else if (!ins.some((i) => i.keyword === 'RUN' && /ln -s \S+\/bin\/simq \/usr\/local\/bin\/simq/.test(i.args)))
    out.push('simq is not linked into /usr/local/bin (ENTRYPOINT simq would not be found)');
  return out;
}

function copyProblems(ins: Instruction[], ctx: DockerfileContext): string[] {
  const out: string[] = [];
  const sources = copySources(ins);
  for (const s of sources) {
    if (!existsSync(path.join(ctx.root, s))) out.push(`COPY ${s}: not in the repository`);
    else if (isIgnored(s, ctx.dockerignore)) out.push(`COPY ${s}: excluded by .dockerignore`);
  }
  const copied = (rel: string) =>
    sources.some((s) => rel === s.replace(/\/$/, '') || rel.startsWith(s.endsWith('/') ? s : `${s}/`));
  // What `npm ci` builds from (the prepare script: every `tsc -p` project), and the bin entry.
  const pkg = JSON.parse(readFileSync(path.join(ctx.root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    bin: Record<string, string>;
  };
  const needed = [
    'package.json',
    'package-lock.json',
    ...[...pkg.scripts.build.matchAll(/-p (\S+)/g)].map((m) => m[1]),
    ...Object.values(pkg.bin),
  ];
  for (const n of needed)
    if (!copied(path.normalize(n))) out.push(`${n} is needed by npm ci / the build but not copied`);
  const npmCiAt = ins.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
  if (npmCiAt < 0) out.push('no RUN npm ci');
  else {
    const lastCopy = ins.map((i, k) => (i.keyword === 'COPY' ? k : -1)).reduce((a, b) => Math.max(a, b));
    if (lastCopy > npmCiAt) out.push('a COPY comes after npm ci (the prepare script builds from the sources)');
  }
  return out;
}
