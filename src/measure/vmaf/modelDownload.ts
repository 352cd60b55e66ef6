// Filling the user cache with pinned VMAF model files on first use.
// A file is kept only when its SHA-256 equals the digest pinned in code: the bytes are checked in
// memory, then written to a temporary name beside the target and renamed, so a failed or tampered
// download never leaves a file under the real name.
import { simqCacheDir } from '../../paths.js';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { EnvironmentError, SimqError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { PINNED_MODEL_SHA256, VMAF_MODEL_BASE_URL } from './pinnedModels.js';

/** The model could not be fetched (offline, HTTP error, downloading off): another backend may still work.
 *  A digest mismatch is NOT this error: a tampered or wrong file must stop the run. */
export class ModelUnavailableError extends EnvironmentError {
  constructor(message: string, fix?: string) {
    super(message, fix);
    this.name = 'ModelUnavailableError';
  }
}

/** A model file whose bytes are not the pinned ones (or empty): never used, never kept. */
export class CorruptModelError extends EnvironmentError {
  constructor(message: string, fix?: string) {
    super(message, fix);
    this.name = 'CorruptModelError';
  }
}

/** Model files are a few tens of kB; anything far larger is not a model file. */
const MAX_MODEL_BYTES = 16 * 1024 * 1024;

/** `$SIMQ_CACHE_DIR` or `$XDG_CACHE_HOME/simq` or `~/.cache/simq`, subfolder vmaf-models. */
export function vmafModelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return simqCacheDir('vmaf-models', env);
}

/** The release folder files are fetched from; SIMQ_VMAF_MODEL_URL replaces it (a mirror, or a test server). */
export function vmafModelBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.SIMQ_VMAF_MODEL_URL || VMAF_MODEL_BASE_URL;
  return base.endsWith('/') ? base : `${base}/`;
}

export function modelFileUrl(fileName: string, env: NodeJS.ProcessEnv = process.env): string {
  return new URL(fileName, vmafModelBaseUrl(env)).href;
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface DownloadOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export interface DownloadedFile {
  path: string;
  url: string;
  sha256: string;
}

/**
 * Downloads pinned model files into `destDir`: all are fetched and checked first, then written
 * (temporary name + rename), so a bad file means nothing new is kept. Throws ModelUnavailableError
 * when a file cannot be fetched and CorruptModelError when its digest is wrong.
 */
export async function downloadPinnedModelFiles(
  fileNames: readonly string[],
  destDir: string,
  options: DownloadOptions = {},
): Promise<DownloadedFile[]> {
  const fetched: { target: string; url: string; sha256: string; bytes: Uint8Array }[] = [];
  for (const name of fileNames)
    fetched.push({ target: path.join(destDir, name), ...(await fetchPinned(name, destDir, options)) });
  for (const f of fetched) writeFileAtomic(f.target, f.bytes);
  return fetched.map((f) => ({ path: f.target, url: f.url, sha256: f.sha256 }));
}

async function fetchPinned(
  fileName: string,
  destDir: string,
  options: DownloadOptions,
): Promise<{ url: string; sha256: string; bytes: Uint8Array }> {
  const env = options.env ?? process.env;
  const expected = PINNED_MODEL_SHA256[fileName];
  if (!expected)
    throw new SimqError(`no pinned digest for VMAF model file ${fileName}: only pinned files are downloaded`);
  const url = modelFileUrl(fileName, env);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const manual = `curl -fL -o '${path.join(destDir, fileName)}' '${url}'  (or pass --vmaf-model-dir DIR with ${fileName} in DIR)`;
  let response: Response;
  try {
    response = await (options.fetchImpl ?? fetch)(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why =
      (e as Error).name === 'TimeoutError'
        ? `no answer within ${Math.round(timeoutMs / 1000)} s`
        : (cause?.message ?? cause?.code ?? (e as Error).message);
    throw new ModelUnavailableError(`could not download VMAF model file ${url}: ${why}`, manual);
  }
  if (!response.ok) {
    throw new ModelUnavailableError(
      `could not download VMAF model file ${url}: HTTP ${response.status} ${response.statusText}`,
      manual,
    );
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_MODEL_BYTES)
    throw new CorruptModelError(`${url} is ${declared} bytes: not a VMAF model file (expected a few kB)`, manual);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength > MAX_MODEL_BYTES)
    throw new CorruptModelError(`${url} sent ${bytes.byteLength} bytes: not a VMAF model file`, manual);
  const actual = sha256Of(bytes);
  if (actual !== expected) {
    throw new CorruptModelError(
      `downloaded VMAF model file ${url} has sha256 ${actual}, expected ${expected}: rejected, nothing kept in ${destDir}`,
      `check SIMQ_VMAF_MODEL_URL and any proxy in between, or ${manual}`,
    );
  }
  return { url, sha256: actual, bytes };
}
