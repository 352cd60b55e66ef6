// The Netflix vmaf release simq fetches libvmaf 1.x model files from, and their SHA-256 digests.
//
// Only ffmpeg builds against libvmaf 1.x need files (ffmpeg 4.1 inside @ffmpeg-installer: its
// libvmaf filter has `model_path` only and no model built in). libvmaf >= 2 has vmaf_v0.6.1 and
// vmaf_v0.6.1neg built in. The files live in the `model/` folder of github.com/Netflix/vmaf; the
// tag is pinned so the bytes never change under us, and every file is checked against the digest
// below before it is used or kept. The digests are those of the files at that tag (the v3.2.0
// line); vmaf_float_v0.6.1neg.pkl.model is byte-identical to
// vmaf_float_v0.6.1.pkl.model (NEG differs only in the .pkl's enhancement-gain limits).

export const VMAF_MODEL_TAG = 'v3.2.0';

/** Where pinned files are downloaded from: `${base}${fileName}`. Override with SIMQ_VMAF_MODEL_URL. */
export const VMAF_MODEL_BASE_URL = `https://raw.githubusercontent.com/Netflix/vmaf/${VMAF_MODEL_TAG}/model/`;

export const PINNED_MODEL_SHA256: Readonly<Record<string, string>> = {
  'vmaf_float_v0.6.1.pkl': '5bc3153113be986e919d6135c6c4e0506b0d260f6b28407642faf8c4708fba80',
  'vmaf_float_v0.6.1.pkl.model': 'e5a590c483ebec388aa0c5ecc88aeda354a0e4fcd94b52db0cc4d4c1ba17c29d',
  'vmaf_float_v0.6.1neg.pkl': '84ee3c26f79e1fef45f95b79bd97cc42b34d7064bfcc50ac3c297b47a0e9e449',
  'vmaf_float_v0.6.1neg.pkl.model': 'e5a590c483ebec388aa0c5ecc88aeda354a0e4fcd94b52db0cc4d4c1ba17c29d',
  'vmaf_v0.6.1.json': '5950d61fa1f861bd45d8149d80539ed9f3376cfc2495b8f0fa8e9f57cb131ee3',
  'vmaf_v0.6.1neg.json': '1fcda193aaa2a3136471b7516b3c5dc344546c05fcde2d58609f8c60a2387392',
};
