// The environment of the metric ffmpeg: glibc's allocator told to keep the memory it is given.
//
// libvmaf 1.x (the ffmpeg of @ffmpeg-installer is a static glibc build with libvmaf 1.3.7) allocates
// its per-picture feature buffers with malloc and frees them after every picture. glibc hands large
// blocks back to the kernel at once (blocks above the mmap threshold are unmapped on free, the heap
// top is trimmed above 128 KiB), so the next picture faults the same memory in again, zeroed page by
// page. Measured on 180 pictures of 1280x720 (libvmaf, n_threads=1): 2.47 million minor page faults,
// 37 s user + 21 s system. With mmap off and a 1 GiB trim threshold glibc keeps and reuses the pages:
// 44 thousand faults, 9 s user + 0.6 s system, and the libvmaf log byte for byte the same (peak
// memory 190 MB; n_threads=2: 307 MB against 296). Neither setting alone helps. Other C libraries
// (a musl-based static ffmpeg) ignore these variables. A value the user set wins.
export const METRIC_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_MMAP_MAX_: '0',
  MALLOC_TRIM_THRESHOLD_: String(1024 * 1024 * 1024),
};

/** The variables to set for a metric ffmpeg: METRIC_MALLOC_ENV minus those the user already set. */
export function metricMallocEnv(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(Object.entries(METRIC_MALLOC_ENV).filter(([k]) => base[k] === undefined));
}

/** `base` with the metric malloc settings added (for spawning ffmpeg on this machine). */
export function metricProcessEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, ...metricMallocEnv(base) };
}
