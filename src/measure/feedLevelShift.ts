// How far the pictures a browser encoded sit from the reference in level and colour: the mean
// Y / U / V difference (0-255 code values) between a full-size layer, decoded by ffmpeg, and the
// reference frames it was paired with. A page-played feed (Firefox: <video> + captureStream) passes
// through the browser's media pipeline, which may convert colour; Chromium's file camera hands the
// Y4M over untouched. Coding noise averages out to about zero at the top layer's bitrates, so what
// remains is the feed's shift (plus the encoder's own small bias, seen in Chromium's value).
import type { FeedLevelShift } from '../rundir/MeasureTypes.js';
import { Y4mFile } from '../input/Y4mFile.js';
import { runProcess } from '../tools/process.js';

export async function feedLevelShift(
  ffmpegPath: string,
  bitstream: string,
  referenceY4m: string,
  sourceIndex: readonly number[],
): Promise<Omit<FeedLevelShift, 'scenarioId' | 'rid' | 'browser'>> {
  const ref = Y4mFile.open(referenceY4m);
  try {
    const { width, height } = ref;
    const r = await runProcess(
      ffmpegPath,
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-i',
        bitstream,
        '-vsync',
        'passthrough',
        '-pix_fmt',
        'yuv420p',
        '-f',
        'rawvideo',
        '-',
      ],
      { timeoutMs: 600_000 },
    );
    if (r.code !== 0) throw new Error(`ffmpeg could not decode ${bitstream}: ${r.stderr.split('\n')[0]}`);
    const ySize = width * height;
    // 4:2:0 chroma of an odd size is rounded up (libavutil/imgutils.c AV_CEIL_RSHIFT).
    const cSize = ((width + 1) >> 1) * ((height + 1) >> 1);
    const frameSize = ySize + 2 * cSize;
    const count = Math.min(Math.floor(r.stdout.length / frameSize), sourceIndex.length);
    const sums = [0, 0, 0];
    const planes: [number, number][] = [
      [0, ySize],
      [ySize, cSize],
      [ySize + cSize, cSize],
    ];
    for (let i = 0; i < count; i++) {
      const dec = r.stdout.subarray(i * frameSize, (i + 1) * frameSize);
      const src = ref.readFrame(sourceIndex[i]);
      planes.forEach(([offset, size], p) => {
        let d = 0;
        for (let k = offset; k < offset + size; k++) d += dec[k] - src[k];
        sums[p] += d / size;
      });
    }
    const mean = (p: number) => (count ? Math.round((sums[p] / count) * 1000) / 1000 : 0);
    return { frames: count, meanDiff: { y: mean(0), u: mean(1), v: mean(2) } };
  } finally {
    ref.close();
  }
}
