// Before any test file: build dist/ (the tests run the CLI from it), and make sure the VMAF model
// files the libvmaf 1.x tests need are there, with one clear message when they are not.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NEEDED = [
  'vmaf_float_v0.6.1.pkl',
  'vmaf_float_v0.6.1.pkl.model',
  'vmaf_float_v0.6.1neg.pkl',
  'vmaf_float_v0.6.1neg.pkl.model',
];

export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit', cwd: ROOT });
  const dir = process.env.SIMQ_VMAF_MODEL_DIR ?? path.resolve(ROOT, '..', 'shared', 'vmaf-models');
  const missing = NEEDED.filter((f) => !existsSync(path.join(dir, f)));
  if (missing.length) {
    throw new Error(
      `the tests need VMAF model files in ${dir} (missing: ${missing.join(', ')}). ` +
        'Set SIMQ_VMAF_MODEL_DIR to a folder holding them, e.g. fetched from ' +
        'https://raw.githubusercontent.com/Netflix/vmaf/v3.2.0/model/ (digests in src/measure/vmaf/pinnedModels.ts).',
    );
  }
}
