// VMAF model resolution for libvmaf 1.x: directory order, verification, and the pinned download
// through a local HTTP server serving the model folder (the same files as the Netflix release).
// Expected digests come from that folder's SHA256SUMS or are computed here from the bytes,
// never from the code under test.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError, InputError } from '../src/errors.js';
import {
  findVmafModel,
  libvmafModelOptions,
  locateVmafModel,
  resolveVmafModel,
  verifyModelFile,
} from '../src/measure/vmaf/VmafModels.js';
import { VMAF_MODEL_DIR } from './helpers/simq.js';

// The model files (SIMQ_VMAF_MODEL_DIR, else a vmaf-models folder beside the checkout).
const SHARED = VMAF_MODEL_DIR;
const SUMS = Object.fromEntries(
  readFileSync(path.join(SHARED, 'SHA256SUMS'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(/\s+/))
    .map(([sum, name]) => [name, sum]),
);
const PKL = 'vmaf_float_v0.6.1.pkl';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface ModelServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** Serves the model folder; `corrupt` names a file whose bytes are altered (one byte flipped). */
async function serveModels(opts: { corrupt?: string; missing?: string } = {}): Promise<ModelServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1));
    requests.push(name);
    const file = path.join(SHARED, path.basename(name));
    if (name === opts.missing || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    const bytes = Buffer.from(readFileSync(file));
    if (name === opts.corrupt) bytes[10] ^= 0xff;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

let tmp: string;
const servers: ModelServer[] = [];
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-vmaf-models-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function server(opts?: { corrupt?: string; missing?: string }) {
  const s = await serveModels(opts);
  servers.push(s);
  return s;
}

/** A clean environment: no SIMQ_VMAF_MODEL_DIR from the developer's shell leaks into a test. */
function envWith(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { HOME: path.join(tmp, 'home'), PATH: process.env.PATH, ...extra };
}

function copyModel(dir: string, names = [PKL, `${PKL}.model`]): void {
  mkdirSync(dir, { recursive: true });
  for (const n of names) copyFileSync(path.join(SHARED, n), path.join(dir, n));
}

describe('pinned download into the user cache', () => {
  it('fills the cache on first use, verified, then uses it without a request', async () => {
    const s = await server();
    const env = envWith({ SIMQ_CACHE_DIR: path.join(tmp, 'cache'), SIMQ_VMAF_MODEL_URL: s.url });
    const first = await resolveVmafModel({ libvmafMajor: 1, env });
    const cacheDir = path.join(tmp, 'cache', 'vmaf-models');
    expect(first.source).toBe('download');
    expect(first.path).toBe(path.join(cacheDir, PKL));
    expect(first.files).toEqual([path.join(cacheDir, PKL), path.join(cacheDir, `${PKL}.model`)]);
    expect([...s.requests].sort()).toEqual([PKL, `${PKL}.model`].sort());
    // The cached bytes are the served ones and match the published digests.
    for (const n of [PKL, `${PKL}.model`]) {
      const cached = readFileSync(path.join(cacheDir, n));
      expect(cached.equals(readFileSync(path.join(SHARED, n)))).toBe(true);
      expect(sha(cached)).toBe(SUMS[n]);
    }
    expect(first.sha256).toBe(SUMS[PKL]);
    expect(readdirSync(cacheDir).sort()).toEqual([PKL, `${PKL}.model`].sort()); // no temp files left

    const second = await resolveVmafModel({ libvmafMajor: 1, env });
    expect(second.source).toBe('cache');
    expect(second.path).toBe(first.path);
    expect(s.requests).toHaveLength(2);
  });

  it('uses $XDG_CACHE_HOME/simq, then ~/.cache/simq when SIMQ_CACHE_DIR is unset', async () => {
    const s = await server();
    const xdg = await resolveVmafModel({
      libvmafMajor: 1,
      env: envWith({ XDG_CACHE_HOME: path.join(tmp, 'xdg'), SIMQ_VMAF_MODEL_URL: s.url }),
    });
    expect(xdg.path).toBe(path.join(tmp, 'xdg', 'simq', 'vmaf-models', PKL));
    const home = await resolveVmafModel({ libvmafMajor: 1, env: envWith({ SIMQ_VMAF_MODEL_URL: s.url }) });
    expect(home.path).toBe(path.join(tmp, 'home', '.cache', 'simq', 'vmaf-models', PKL));
  });

  it('rejects a file whose sha256 differs from the pinned digest and keeps nothing', async () => {
    const s = await server({ corrupt: PKL });
    const env = envWith({ SIMQ_CACHE_DIR: path.join(tmp, 'cache'), SIMQ_VMAF_MODEL_URL: s.url });
    const corrupted = Buffer.from(readFileSync(path.join(SHARED, PKL)));
    corrupted[10] ^= 0xff;
    const err = await resolveVmafModel({ libvmafMajor: 1, env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    const msg = (err as Error).message;
    expect(msg).toContain(`${s.url}${PKL}`);
    expect(msg).toContain(SUMS[PKL]); // expected
    expect(msg).toContain(sha(corrupted)); // actual
    const cacheDir = path.join(tmp, 'cache', 'vmaf-models');
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
  });

  it('reports an HTTP failure with the URL and the manual fix', async () => {
    const s = await server({ missing: `${PKL}.model` });
    const env = envWith({ SIMQ_CACHE_DIR: path.join(tmp, 'cache'), SIMQ_VMAF_MODEL_URL: s.url });
    const err = (await resolveVmafModel({ libvmafMajor: 1, env }).catch((e: unknown) => e)) as EnvironmentError;
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toContain(`${s.url}${PKL}.model`);
    expect(err.message).toContain('404');
    expect(err.fix).toContain('--vmaf-model-dir');
    expect(existsSync(path.join(tmp, 'cache', 'vmaf-models', PKL))).toBe(false);
  });

  it('replaces a corrupt cached file with a fresh verified download', async () => {
    const s = await server();
    const cacheDir = path.join(tmp, 'cache', 'vmaf-models');
    copyModel(cacheDir);
    writeFileSync(path.join(cacheDir, PKL), 'truncated');
    const env = envWith({ SIMQ_CACHE_DIR: path.join(tmp, 'cache'), SIMQ_VMAF_MODEL_URL: s.url });
    const m = await resolveVmafModel({ libvmafMajor: 1, env });
    expect(m.source).toBe('download');
    expect(s.requests).toEqual([PKL]);
    expect(sha(readFileSync(path.join(cacheDir, PKL)))).toBe(SUMS[PKL]);
  });

  it('NEG downloads its own .pkl', async () => {
    const s = await server();
    const env = envWith({ SIMQ_CACHE_DIR: path.join(tmp, 'cache'), SIMQ_VMAF_MODEL_URL: s.url });
    const m = await resolveVmafModel({ libvmafMajor: 1, vmafModel: 'vmaf_v0.6.1neg', env });
    expect(m.neg).toBe(true);
    expect(path.basename(m.path!)).toBe('vmaf_float_v0.6.1neg.pkl');
    expect(m.sha256).toBe(SUMS['vmaf_float_v0.6.1neg.pkl']);
  });
});

describe('directory resolution (libvmaf 1.x)', () => {
  it('takes --vmaf-model-dir over SIMQ_VMAF_MODEL_DIR over the cache, without network', async () => {
    const s = await server();
    const flagDir = path.join(tmp, 'flag');
    const envDir = path.join(tmp, 'envdir');
    const cache = path.join(tmp, 'cache');
    for (const d of [flagDir, envDir, path.join(cache, 'vmaf-models')]) copyModel(d);
    const env = envWith({ SIMQ_VMAF_MODEL_DIR: envDir, SIMQ_CACHE_DIR: cache, SIMQ_VMAF_MODEL_URL: s.url });

    const a = await resolveVmafModel({ libvmafMajor: 1, vmafModelDir: flagDir, env });
    expect([a.source, a.path]).toEqual(['--vmaf-model-dir', path.join(flagDir, PKL)]);
    const b = await resolveVmafModel({ libvmafMajor: 1, env });
    expect([b.source, b.path]).toEqual(['SIMQ_VMAF_MODEL_DIR', path.join(envDir, PKL)]);
    const c = await resolveVmafModel({ libvmafMajor: 1, env: { ...env, SIMQ_VMAF_MODEL_DIR: undefined } });
    expect([c.source, c.path]).toEqual(['cache', path.join(cache, 'vmaf-models', PKL)]);
    expect(s.requests).toEqual([]);
  });

  it('rejects a corrupt pinned model in --vmaf-model-dir', async () => {
    const dir = path.join(tmp, 'models');
    copyModel(dir);
    const bytes = Buffer.from(readFileSync(path.join(dir, PKL)));
    bytes[bytes.length - 3] ^= 0x01;
    writeFileSync(path.join(dir, PKL), bytes);
    const err = await resolveVmafModel({ libvmafMajor: 1, vmafModelDir: dir, env: envWith({}) }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toContain(`model file ${path.join(dir, PKL)} is corrupt (sha256 ${sha(bytes)}`);
    expect((err as Error).message).toContain(SUMS[PKL]);
  });

  it('rejects an empty model file and a .pkl without its .pkl.model', () => {
    const dir = path.join(tmp, 'models');
    copyModel(dir, [PKL]);
    expect(() => locateVmafModel({ libvmafMajor: 1, vmafModelDir: dir, env: envWith({}) })).toThrow(
      `${PKL}.model beside it`,
    );
    writeFileSync(path.join(dir, 'custom.pkl'), '');
    expect(() => verifyModelFile(path.join(dir, 'custom.pkl'))).toThrow('is corrupt (empty');
  });

  it('says which folder lacks the model instead of falling through', () => {
    const empty = path.join(tmp, 'empty');
    mkdirSync(empty);
    const err = (() => {
      try {
        locateVmafModel({ libvmafMajor: 1, env: envWith({ SIMQ_VMAF_MODEL_DIR: empty }) });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(`SIMQ_VMAF_MODEL_DIR ${empty} has no ${PKL}`);
  });

  it('accepts the libvmaf 1.x install name vmaf_v0.6.1.pkl (not pinned: size check only)', () => {
    const dir = path.join(tmp, 'legacy');
    mkdirSync(dir);
    copyFileSync(path.join(SHARED, PKL), path.join(dir, 'vmaf_v0.6.1.pkl'));
    copyFileSync(path.join(SHARED, `${PKL}.model`), path.join(dir, 'vmaf_v0.6.1.pkl.model'));
    const loc = locateVmafModel({ libvmafMajor: 1, vmafModelDir: dir, env: envWith({}) });
    expect(loc.found && loc.model.path).toBe(path.join(dir, 'vmaf_v0.6.1.pkl'));
  });

  it('findVmafModel reports what a run would download, without any request', async () => {
    const s = await server();
    const env = envWith({ SIMQ_CACHE_DIR: path.join(tmp, 'cache'), SIMQ_VMAF_MODEL_URL: s.url });
    const f = findVmafModel({ libvmafMajor: 1, env });
    expect(f.ok).toBe(false);
    expect(f.wouldDownload?.map((d) => d.url)).toEqual([`${s.url}${PKL}`, `${s.url}${PKL}.model`]);
    expect(s.requests).toEqual([]);
    copyModel(path.join(tmp, 'cache', 'vmaf-models'));
    const g = findVmafModel({ libvmafMajor: 1, env });
    expect([g.ok, g.model?.source]).toEqual([true, 'cache']);
    const bad = findVmafModel({ libvmafMajor: 1, vmafModel: 'vmaf_v9', env });
    expect(bad.ok).toBe(false);
    expect(bad.problem).toContain('unknown model');
  });
});

describe('model choice and libvmaf options', () => {
  it('uses built-in models on libvmaf >= 2', () => {
    const env = envWith({});
    const std = locateVmafModel({ libvmafMajor: 2, env });
    const neg = locateVmafModel({ libvmafMajor: 2, vmafModel: 'vmaf_v0.6.1neg', env });
    expect(std.found && libvmafModelOptions(std.model)).toBe('model=version=vmaf_v0.6.1');
    expect(neg.found && libvmafModelOptions(neg.model)).toBe('model=version=vmaf_v0.6.1neg');
  });

  it('takes a model file path: .pkl for libvmaf 1.x, .json for libvmaf >= 2', () => {
    const env = envWith({});
    const pkl = locateVmafModel({ libvmafMajor: 1, vmafModel: path.join(SHARED, PKL), env });
    expect(pkl.found && libvmafModelOptions(pkl.model)).toBe(`model_path=${path.join(SHARED, PKL)}`);
    const json = locateVmafModel({ libvmafMajor: 2, vmafModel: path.join(SHARED, 'vmaf_v0.6.1.json'), env });
    expect(json.found && libvmafModelOptions(json.model)).toBe(`model=path=${path.join(SHARED, 'vmaf_v0.6.1.json')}`);
    expect(() => locateVmafModel({ libvmafMajor: 1, vmafModel: path.join(SHARED, 'vmaf_v0.6.1.json'), env })).toThrow(
      InputError,
    );
    expect(() => locateVmafModel({ libvmafMajor: 2, vmafModel: path.join(SHARED, PKL), env })).toThrow(InputError);
    expect(() => locateVmafModel({ libvmafMajor: 1, vmafModel: 'vmaf_v9', env })).toThrow('unknown model');
  });
});
