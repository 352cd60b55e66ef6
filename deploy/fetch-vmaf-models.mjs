// Puts the pinned VMAF model files into a folder at image build time through simq's own download,
// which keeps a file only when its SHA-256 equals the digest pinned in src/measure/vmaf/pinnedModels.ts.
// libvmaf 1.x (the ffmpeg of @ffmpeg-installer) needs these files; with them in the image, a
// container measures VMAF without reaching GitHub at run time.
// Usage (after `npm run build`): node deploy/fetch-vmaf-models.mjs DIR
import { mkdirSync } from 'node:fs';
import { downloadPinnedModelFiles } from '../dist/measure/vmaf/modelDownload.js';
import { PINNED_MODEL_SHA256 } from '../dist/measure/vmaf/pinnedModels.js';

const dest = process.argv[2];
if (!dest) {
  process.stderr.write('usage: node deploy/fetch-vmaf-models.mjs DIR\n');
  process.exit(2);
}
mkdirSync(dest, { recursive: true });
const files = await downloadPinnedModelFiles(Object.keys(PINNED_MODEL_SHA256), dest);
for (const f of files) process.stdout.write(`${f.sha256}  ${f.path}\n`);
