// One viewer's record in the scenario's viewers/ folder (docs/design-sfu-links.md "Viewer record"):
// the received bitstream as the receiver-side tap saw it, its frames table with the layer simq had
// asked for at each frame's arrival, inbound-rtp each second, and what simq asked and Janus said.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { BitstreamWriter, bitstreamExtension } from '../capture/BitstreamWriter.js';
import type { PageFrameMeta, PageViewerStats } from '../capture/page/protocol.js';
import { writeCsvAtomic } from '../io/csv.js';
import type { Codec } from '../scenario/ScenarioTypes.js';
import { vp8KeyframeSize } from './vp8FrameSize.js';
import { VIEWER_FRAMES_COLUMNS, VIEWER_RENDER_COLUMNS, type ViewerRenderRow } from '../rundir/CsvTypes.js';
import {
  VIEWER_EVENT_COLUMNS,
  VIEWER_STATS_COLUMNS,
  VIEWER_STATS_FIELDS,
  type ViewerEventRow,
  type ViewerFrameRow,
  type ViewerRecord,
  type ViewerSpec,
} from './ViewerTypes.js';

export const VIEWERS_DIR = 'viewers';

interface Request {
  tMs: number;
  rid: string;
  temporal: number;
}

type StatsRow = Record<(typeof VIEWER_STATS_COLUMNS)[number], number | undefined>;

export class ViewerRecorder {
  private writer: BitstreamWriter;
  private frames: ViewerFrameRow[] = [];
  private stats: StatsRow[] = [];
  private events: ViewerEventRow[] = [];
  private rendered: ViewerRenderRow[] = [];
  private requests: Request[] = [];
  private size = { width: 0, height: 0 };
  readonly dir: string;

  constructor(
    readonly viewer: ViewerSpec,
    private readonly codec: Codec,
    scenarioDir: string,
  ) {
    this.dir = path.join(scenarioDir, VIEWERS_DIR);
    mkdirSync(this.dir, { recursive: true });
    this.writer = new BitstreamWriter(codec, path.join(this.dir, `.${viewer.name}.${bitstreamExtension(codec)}.part`));
  }

  /**
   * What simq asked the SFU for, from tMs on (frames arriving later carry it). It is recorded once the
   * SFU has answered (ViewerSession.ask), so frames that arrived since tMs, while the request was in
   * flight, take it now: a loaded run's configure took over 300 ms, and the first frames of the layer
   * it switched to were written as still asking for the old one.
   */
  request(tMs: number, rid: string, temporal: number, body: Record<string, unknown>, reason: string): void {
    this.requests.push({ tMs, rid, temporal });
    const from = round(tMs);
    for (let i = this.frames.length - 1; i >= 0 && this.frames[i].arrival_ms >= from; i--) {
      this.frames[i].requested_rid = rid;
      this.frames[i].requested_temporal = temporal;
    }
    this.events.push({
      t_ms: round(tMs),
      source: 'simq',
      kind: 'configure',
      detail: `${JSON.stringify(body)} ${reason}`,
    });
  }

  sfuEvent(tMs: number, kind: string, detail: string): void {
    this.events.push({ t_ms: round(tMs), source: 'janus', kind, detail });
  }

  note(tMs: number, kind: string, detail: string): void {
    this.events.push({ t_ms: round(tMs), source: 'simq', kind, detail });
  }

  onFrame(meta: PageFrameMeta, data: Uint8Array): void {
    if (meta.index !== this.frames.length)
      throw new Error(
        `viewer ${this.viewer.name}: frame ${meta.index} arrived when ${this.frames.length} were expected`,
      );
    // The size changes only at a keyframe; delta frames carry the last keyframe's.
    const key = meta.type === 'key' ? (this.codec === 'vp8' ? vp8KeyframeSize(data) : undefined) : undefined;
    if (key) this.size = key;
    else if (meta.width > 0 && meta.height > 0) this.size = { width: meta.width, height: meta.height };
    this.writer.append(data, meta.rtpTimestamp, this.size.width, this.size.height);
    const asked = this.requestAt(meta.tapTimeMs);
    this.frames.push({
      index: meta.index,
      rtp_timestamp: meta.rtpTimestamp,
      arrival_ms: round(meta.tapTimeMs),
      bytes: meta.bytes,
      type: meta.type,
      width: this.size.width,
      height: this.size.height,
      requested_rid: asked?.rid ?? '',
      requested_temporal: asked?.temporal ?? 0,
    });
  }

  onStats(sample: PageViewerStats): void {
    const row = { t_ms: round(sample.tMs) } as StatsRow;
    for (const f of VIEWER_STATS_FIELDS) {
      const v = sample.inbound?.[f];
      row[f] = typeof v === 'number' ? v : undefined;
    }
    this.stats.push(row);
    for (const r of sample.rendered ?? []) {
      this.rendered.push({
        rtp_timestamp: r.rtpTimestamp,
        presented_ms: r.presentedMs,
        expected_display_ms: r.expectedDisplayMs,
        presented_frames: r.presentedFrames,
        width: r.width,
        height: r.height,
      });
    }
  }

  /** The last stats sample (the table policy's rate estimate reads it). */
  statsRows(): readonly StatsRow[] {
    return this.stats;
  }

  frameRows(): readonly ViewerFrameRow[] {
    return this.frames;
  }

  private requestAt(tMs: number): Request | undefined {
    let found: Request | undefined;
    for (const r of this.requests) if (r.tMs <= tMs) found = r;
    return found;
  }

  finish(extra: Pick<ViewerRecord, 'rateSource' | 'table'>): ViewerRecord {
    const base = this.viewer.name;
    const files: ViewerRecord['files'] = {
      frames: `${VIEWERS_DIR}/${base}.frames.csv`,
      stats: `${VIEWERS_DIR}/${base}.stats.csv`,
      events: `${VIEWERS_DIR}/${base}.events.csv`,
    };
    if (this.frames.length > 0) {
      files.bitstream = `${VIEWERS_DIR}/${base}.${bitstreamExtension(this.codec)}`;
      this.writer.finish(path.join(this.dir, '..', files.bitstream));
    } else {
      this.writer.abandon();
    }
    writeCsvAtomic(
      path.join(this.dir, `${base}.frames.csv`),
      VIEWER_FRAMES_COLUMNS,
      this.frames as unknown as Record<string, string | number>[],
    );
    writeCsvAtomic(path.join(this.dir, `${base}.stats.csv`), VIEWER_STATS_COLUMNS, this.stats);
    if (this.rendered.length > 0) {
      files.render = `${VIEWERS_DIR}/${base}.render.csv`;
      // Samples arrive once a second; a late one may overtake: in presentation order.
      const rows = [...this.rendered].sort((a, b) => a.presented_frames - b.presented_frames);
      writeCsvAtomic(
        path.join(this.dir, `${base}.render.csv`),
        VIEWER_RENDER_COLUMNS,
        rows as unknown as Record<string, string | number>[],
      );
    }
    // Janus's events are drained once a second: sorted, the table reads in time order.
    const events = [...this.events].sort((a, b) => a.t_ms - b.t_ms);
    writeCsvAtomic(
      path.join(this.dir, `${base}.events.csv`),
      VIEWER_EVENT_COLUMNS,
      events as unknown as Record<string, string | number>[],
    );
    const v = this.viewer;
    return {
      name: v.name,
      spec: v.spec,
      width: v.width,
      height: v.height,
      policy: v.policy,
      ...(v.link === undefined ? {} : { link: v.link }),
      ...extra,
      files,
      framesReceived: this.frames.length,
      requests: this.requests.length,
    };
  }

  abandon(): void {
    this.writer.abandon();
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;
