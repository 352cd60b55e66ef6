// Which VMAF model libvmaf is given, and where its files come from.
//
//   libvmaf >= 2 (ffmpeg's libvmaf filter has the `model` option): named models are built in
//     (model=version=vmaf_v0.6.1); a model file must be JSON (model=path=/abs/x.json).
//   libvmaf 1.x (filter option `model_path` only, e.g. ffmpeg 4.1 in @ffmpeg-installer, libvmaf
//     1.3.7): nothing is built in; it reads a .pkl and, beside it, the .pkl.model (libsvm) file.
//     Looked up in: --vmaf-model-dir, SIMQ_VMAF_MODEL_DIR, then the user cache, which is filled on
//     first use from a pinned Netflix release URL with SHA-256 verification (modelDownload.ts).
// A model file we pin is verified wherever it is found: a truncated or edited file makes libvmaf
// 1.x either fail deep inside a job or, worse, score with different weights.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError, InputError } from '../../errors.js';
import { filterValue } from '../../tools/FfmpegArgs.js';
import {
  CorruptModelError,
  downloadPinnedModelFiles,
  ModelUnavailableError,
  modelFileUrl,
  sha256Of,
  vmafModelCacheDir,
  type DownloadOptions,
} from './modelDownload.js';
import { PINNED_MODEL_SHA256 } from './pinnedModels.js';

export const DEFAULT_VMAF_MODEL = 'vmaf_v0.6.1';

export interface NamedVmafModel {
  name: string;
  /** "No enhancement gain": scores ignore sharpening/contrast gains (libvmaf >= 2 applies the limits). */
  neg: boolean;
  /** libvmaf >= 2 built-in model version. */
  builtinVersion: string;
  /** libvmaf 1.x model files, preferred first. The first is pinned and downloadable; the second is
   *  the name libvmaf 1.x installs used (/usr/local/share/model/vmaf_v0.6.1.pkl), accepted in a
   *  directory the user points to. */
  pklNames: readonly string[];
}

export const NAMED_VMAF_MODELS: Readonly<Record<string, NamedVmafModel>> = {
  'vmaf_v0.6.1': {
    name: 'vmaf_v0.6.1',
    neg: false,
    builtinVersion: 'vmaf_v0.6.1',
    pklNames: ['vmaf_float_v0.6.1.pkl', 'vmaf_v0.6.1.pkl'],
  },
  'vmaf_v0.6.1neg': {
    name: 'vmaf_v0.6.1neg',
    neg: true,
    builtinVersion: 'vmaf_v0.6.1neg',
    pklNames: ['vmaf_float_v0.6.1neg.pkl', 'vmaf_v0.6.1neg.pkl'],
  },
};

export type VmafModelSpec =
  { kind: 'named'; model: NamedVmafModel } | { kind: 'file'; path: string; name: string; neg: boolean };

/** `--vmaf-model`: a model name we know, or a path to a model file. */
export function parseVmafModelSpec(spec: string = DEFAULT_VMAF_MODEL, cwd = process.cwd()): VmafModelSpec {
  const named = NAMED_VMAF_MODELS[spec];
  if (named) return { kind: 'named', model: named };
  if (spec.includes('/') || spec.includes(path.sep) || /\.(pkl|json)$/.test(spec)) {
    const abs = path.resolve(cwd, spec);
    const base = path.basename(abs).replace(/\.(pkl|json)$/, '');
    return { kind: 'file', path: abs, name: base, neg: /neg/.test(base) };
  }
  throw new InputError(
    `--vmaf-model ${spec}: unknown model (known: ${Object.keys(NAMED_VMAF_MODELS).join(', ')}, or a path to a .pkl (libvmaf 1.x) / .json (libvmaf >= 2) model file)`,
    `--vmaf-model ${DEFAULT_VMAF_MODEL}`,
  );
}

export type VmafModelSource =
  'built-in' | '--vmaf-model' | '--vmaf-model-dir' | 'SIMQ_VMAF_MODEL_DIR' | 'cache' | 'download';

export interface ResolvedVmafModel {
  name: string;
  source: VmafModelSource;
  libvmafMajor: 1 | 2;
  neg: boolean;
  /** libvmaf >= 2 built-in version, when no file is used. */
  builtinVersion?: string;
  /** The file libvmaf is given (.pkl for libvmaf 1.x, .json for a file on libvmaf >= 2). */
  path?: string;
  sha256?: string;
  /** Every host file libvmaf reads (a .pkl and its .pkl.model): what a container must be able to see. */
  files: string[];
}

export interface ModelLookup {
  libvmafMajor: 1 | 2;
  /** --vmaf-model (name or path); default vmaf_v0.6.1. */
  vmafModel?: string;
  /** --vmaf-model-dir */
  vmafModelDir?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Checks one model file: present, not empty, and equal to the pinned digest when we pin its name. */
export function verifyModelFile(file: string): { sha256: string; pinned: boolean } {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new EnvironmentError(`model file ${file} is not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof EnvironmentError) throw e;
    throw new EnvironmentError(
      `model file ${file} is missing`,
      `put the file there, or point --vmaf-model-dir at a folder holding it`,
    );
  }
  const sha256 = sha256Of(readFileSync(file));
  if (size === 0)
    throw new CorruptModelError(
      `model file ${file} is corrupt (empty, sha256 ${sha256})`,
      `replace it with the file from ${modelFileUrl(path.basename(file))}`,
    );
  const expected = PINNED_MODEL_SHA256[path.basename(file)];
  if (expected && expected !== sha256) {
    throw new CorruptModelError(
      `model file ${file} is corrupt (sha256 ${sha256}, expected ${expected} for ${path.basename(file)})`,
      `replace it with the file from ${modelFileUrl(path.basename(file))}, or delete it to use another location`,
    );
  }
  return { sha256, pinned: expected !== undefined };
}

/** A libvmaf 1.x model in `dir`, verified; undefined when none of its names is there. */
function pklModelIn(dir: string, model: NamedVmafModel): { pkl: string; files: string[]; sha256: string } | undefined {
  for (const name of model.pklNames) {
    const pkl = path.join(dir, name);
    if (!existsSync(pkl)) continue;
    const companion = `${pkl}.model`;
    if (!existsSync(companion)) {
      throw new InputError(
        `model file ${pkl} has no ${name}.model beside it (libvmaf 1.x reads both)`,
        `copy ${name}.model from ${modelFileUrl(`${name}.model`)} into ${dir}`,
      );
    }
    const { sha256 } = verifyModelFile(pkl);
    verifyModelFile(companion);
    return { pkl, files: [pkl, companion], sha256 };
  }
  return undefined;
}

export type ModelLocation =
  | { found: true; model: ResolvedVmafModel; searched: string[] }
  | {
      found: false;
      searched: string[];
      cacheDir: string;
      /** Pinned files the cache needs (the .pkl and its .pkl.model). */
      needed: string[];
      /** Cached files that failed verification (deleted before a fresh download). */
      corruptCached: string[];
      model: NamedVmafModel;
    };

/** Finds the model without touching the network. Throws when an explicit choice is unusable. */
export function locateVmafModel(lookup: ModelLookup): ModelLocation {
  const env = lookup.env ?? process.env;
  const spec = parseVmafModelSpec(lookup.vmafModel, lookup.cwd);
  const major = lookup.libvmafMajor;

  if (spec.kind === 'file') return { found: true, model: modelFromFile(spec, major), searched: [spec.path] };

  const model = spec.model;
  if (major === 2) {
    return {
      found: true,
      searched: [],
      model: {
        name: model.name,
        source: 'built-in',
        libvmafMajor: 2,
        neg: model.neg,
        builtinVersion: model.builtinVersion,
        files: [],
      },
    };
  }

  const searched: string[] = [];
  const explicit: { dir: string | undefined; source: '--vmaf-model-dir' | 'SIMQ_VMAF_MODEL_DIR' }[] = [
    { dir: lookup.vmafModelDir, source: '--vmaf-model-dir' },
    { dir: env.SIMQ_VMAF_MODEL_DIR, source: 'SIMQ_VMAF_MODEL_DIR' },
  ];
  for (const { dir, source } of explicit) {
    if (!dir) continue;
    const abs = path.resolve(lookup.cwd ?? process.cwd(), dir);
    searched.push(abs);
    // A folder the user named (flag or env) is a choice, not a hint: if it lacks the model, say so
    // rather than silently using (or downloading) something else.
    if (!existsSync(abs) || !statSync(abs).isDirectory())
      throw new InputError(
        `${source} ${abs}: no such directory`,
        `create it with ${model.pklNames[0]} and ${model.pklNames[0]}.model inside, or drop ${source}`,
      );
    const hit = pklModelIn(abs, model);
    if (!hit) {
      throw new InputError(
        `${source} ${abs} has no ${model.pklNames.join(' or ')} (libvmaf 1.x needs the .pkl and its .pkl.model for ${model.name})`,
        `curl -fL -o '${path.join(abs, model.pklNames[0])}' '${modelFileUrl(model.pklNames[0], env)}' && curl -fL -o '${path.join(abs, model.pklNames[0])}.model' '${modelFileUrl(`${model.pklNames[0]}.model`, env)}'`,
      );
    }
    return {
      found: true,
      searched,
      model: {
        name: model.name,
        source,
        libvmafMajor: 1,
        neg: model.neg,
        path: hit.pkl,
        sha256: hit.sha256,
        files: hit.files,
      },
    };
  }

  const cacheDir = vmafModelCacheDir(env);
  searched.push(cacheDir);
  const pkl = model.pklNames[0];
  const needed = [pkl, `${pkl}.model`];
  const corruptCached: string[] = [];
  for (const name of needed) {
    const p = path.join(cacheDir, name);
    if (!existsSync(p)) continue;
    try {
      verifyModelFile(p);
    } catch {
      corruptCached.push(p);
    }
  }
  const complete = needed.every((n) => existsSync(path.join(cacheDir, n)));
  if (complete && corruptCached.length === 0) {
    const file = path.join(cacheDir, pkl);
    const { sha256 } = verifyModelFile(file);
    return {
      found: true,
      searched,
      model: {
        name: model.name,
        source: 'cache',
        libvmafMajor: 1,
        neg: model.neg,
        path: file,
        sha256,
        files: [file, `${file}.model`],
      },
    };
  }
  return { found: false, searched, cacheDir, needed, corruptCached, model };
}

function modelFromFile(spec: Extract<VmafModelSpec, { kind: 'file' }>, major: 1 | 2): ResolvedVmafModel {
  const file = spec.path;
  if (major === 1 && !file.endsWith('.pkl')) {
    throw new InputError(
      `--vmaf-model ${file}: libvmaf 1.x reads .pkl model files (with the .pkl.model beside it), not ${path.extname(file) || 'this file'}`,
      `--vmaf-model ${path.join(path.dirname(file), `${spec.name}.pkl`)}, or a libvmaf >= 2 backend (--vmaf-backend docker)`,
    );
  }
  if (major === 2 && !file.endsWith('.json')) {
    throw new InputError(
      `--vmaf-model ${file}: libvmaf >= 2 reads JSON model files (it dropped .pkl support)`,
      `--vmaf-model ${path.join(path.dirname(file), `${spec.name.replace(/^vmaf_float_/, 'vmaf_')}.json`)}, or a built-in name: --vmaf-model ${DEFAULT_VMAF_MODEL}`,
    );
  }
  if (!existsSync(file))
    throw new InputError(
      `--vmaf-model ${file}: no such file`,
      `pass an existing model file, or a name: --vmaf-model ${DEFAULT_VMAF_MODEL}`,
    );
  // libvmaf >= 2 splits model=path=... at ':' and '|' one level below the filter graph's own
  // escaping; such paths cannot be passed reliably.
  if (major === 2 && /[:|\\']/.test(file))
    throw new InputError(
      `--vmaf-model ${file}: the path contains : | \\ or ', which libvmaf's model option cannot take`,
      'copy the model to a path without those characters',
    );
  const { sha256 } = verifyModelFile(file);
  const files = [file];
  if (major === 1) {
    const companion = `${file}.model`;
    if (!existsSync(companion))
      throw new InputError(
        `--vmaf-model ${file}: ${path.basename(companion)} is missing beside it (libvmaf 1.x reads both)`,
        `put ${path.basename(companion)} in ${path.dirname(file)}`,
      );
    verifyModelFile(companion);
    files.push(companion);
  }
  return { name: spec.name, source: '--vmaf-model', libvmafMajor: major, neg: spec.neg, path: file, sha256, files };
}

export interface ResolveModelOptions extends ModelLookup {
  /** Allow filling the cache from the network (default true). */
  download?: boolean;
  downloadOptions?: DownloadOptions;
  /** Told before a download starts (progress goes to stderr). */
  onDownload?: (url: string) => void;
}

/** Like locateVmafModel, but fills the cache from the pinned release when the model is not found. */
export async function resolveVmafModel(options: ResolveModelOptions): Promise<ResolvedVmafModel> {
  const env = options.env ?? process.env;
  const located = locateVmafModel(options);
  if (located.found) return located.model;
  if (options.download === false) {
    throw new ModelUnavailableError(
      `no ${located.model.pklNames[0]} for libvmaf 1.x (looked in ${located.searched.join(', ')}) and downloading is off`,
      `pass --vmaf-model-dir DIR holding ${located.model.pklNames[0]} and ${located.model.pklNames[0]}.model`,
    );
  }
  for (const p of located.corruptCached) rmSync(p, { force: true });
  const missing = located.needed.filter((name) => !existsSync(path.join(located.cacheDir, name)));
  for (const name of missing) options.onDownload?.(modelFileUrl(name, env));
  await downloadPinnedModelFiles(missing, located.cacheDir, { ...options.downloadOptions, env });
  const file = path.join(located.cacheDir, located.model.pklNames[0]);
  const { sha256 } = verifyModelFile(file);
  return {
    name: located.model.name,
    source: 'download',
    libvmafMajor: 1,
    neg: located.model.neg,
    path: file,
    sha256,
    files: [file, `${file}.model`],
  };
}

export interface VmafModelFinding {
  ok: boolean;
  model?: ResolvedVmafModel;
  searched: string[];
  /** What is wrong (missing, corrupt, not downloaded yet) when not ok. */
  problem?: string;
  fix?: string;
  /** Files a first measure run would download into `cacheDir` (libvmaf 1.x, not cached yet). */
  wouldDownload?: { url: string; target: string }[];
  cacheDir?: string;
}

/** For `simq doctor`: what model a measure run would use, without network and without throwing. */
export function findVmafModel(lookup: ModelLookup): VmafModelFinding {
  const env = lookup.env ?? process.env;
  try {
    const located = locateVmafModel(lookup);
    if (located.found) return { ok: true, model: located.model, searched: located.searched };
    return {
      ok: false,
      searched: located.searched,
      cacheDir: located.cacheDir,
      problem:
        located.corruptCached.length > 0
          ? `cached model file(s) ${located.corruptCached.join(', ')} fail the sha256 check; the next measure run downloads them again`
          : `${located.model.pklNames[0]} is not in ${located.searched.join(' or ')} yet; the first measure run downloads it`,
      fix: `simq measure downloads it, or pass --vmaf-model-dir DIR / set SIMQ_VMAF_MODEL_DIR`,
      wouldDownload: located.needed.map((n) => ({ url: modelFileUrl(n, env), target: path.join(located.cacheDir, n) })),
    };
  } catch (e) {
    if (e instanceof InputError || e instanceof EnvironmentError)
      return { ok: false, searched: [], problem: e.message, fix: e.fix };
    throw e;
  }
}

/** The libvmaf filter options that select the model (escaped for a filter graph). */
export function libvmafModelOptions(model: ResolvedVmafModel): string {
  if (model.libvmafMajor === 1) return `model_path=${filterValue(model.path!)}`;
  if (model.path) return `model=path=${filterValue(model.path)}`;
  return `model=version=${model.builtinVersion}`;
}
