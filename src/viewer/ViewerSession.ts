// The viewers of one SFU scenario: each subscribes through the SFU, answers in the viewer page, gets
// its first layer from its policy, and (table policy) a new layer whenever the rate crosses the
// export's thresholds. Every second: the SFU's events go into each viewer's events table and the table
// viewers are re-decided. Times: ms since the sender's track was attached.
import type { DriverPage } from '../capture/BrowserDriverTypes.js';
import type { PageFrameMeta, PageViewerConfig, PageViewerStats } from '../capture/page/protocol.js';
import { SimqError, ExitCode } from '../errors.js';
import type { JanusExport } from '../recommend/exports/janus.js';
import type { Codec } from '../scenario/ScenarioTypes.js';
import type { LayerRequest, Sfu } from '../sfu/SfuTypes.js';
import { nextEstimateKbps } from './rateEstimate.js';
import { TablePolicyState } from './tablePolicy.js';
import { ViewerRecorder } from './ViewerRecorder.js';
import type { RateSource, ViewerRecord, ViewerSpec } from './ViewerTypes.js';

/** Under the capture's own 30 s stop timeout, so the error names the viewer page that did not answer. */
const PAGE_STOP_MS = 20_000;
/** Reading a late page's stop state: within what is left of the capture's 30 s. */
const STATE_READ_MS = 3000;

/** `work`, or what `late()` gives when `work` has not settled within `ms`. */
function within<T>(work: Promise<T>, ms: number, late: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => late().then(resolve, reject), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Stops the viewers of a page; upload errors, if any. */
function stopViewersOf(page: DriverPage): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as PageViewerGlobal).simq.stopViewers(), undefined) as Promise<
    string[]
  >;
}

/** Where a page's viewers are in their stop, or why that could not be read. */
function stopStateOf(page: DriverPage): Promise<string> {
  const state = (
    page.evaluate(
      () => (globalThis as unknown as PageViewerGlobal).simq.viewerStopState(),
      undefined,
    ) as Promise<string>
  ).catch((e: unknown) => `its state could not be read: ${String(e)}`);
  return within(state, STATE_READ_MS, async () => `the page did not answer within ${STATE_READ_MS / 1000} s either`);
}

/** Janus's temporal 2 = every temporal layer (janus_videoroom.c: the default target). */
const ALL_TEMPORAL = 2;

/**
 * A layer request Janus has not acted on after this long is sent once more. Janus switches a
 * subscriber only on a keyframe of the new substream (rtp.c janus_rtp_simulcasting_context_process_rtp)
 * and asks the publisher for one when a configure changes the target or when nothing at all was relayed
 * for a second (janus_videoroom.c); Chrome drops a keyframe request for a layer within 300 ms of the
 * last one for it (encoder_rtcp_feedback.cc, kMinKeyframeSendIntervalMs), such as Janus's own PLI when
 * the subscription starts. Then the switch waits for the next keyframe, which may never come: a CI run's
 * table viewer asked h at 2.5 s, early in its subscription, and got q for the next 23 s. A client app has the same
 * remedy (docs/viewers.md); the repeat is a `configure` row of its own in events.csv ("again: ...").
 */
const ASK_AGAIN_MS = 2000;

interface PageViewerGlobal {
  simq: {
    addViewer(c: PageViewerConfig): Promise<string>;
    stopViewers(): Promise<string[]>;
    viewerStopState(): string;
  };
}

export interface ViewerSessionOptions {
  sfu: Sfu;
  /** The page a viewer runs in: the sender's browser's viewers' page, or a shaped viewer's own browser's. */
  pageOf(viewer: ViewerSpec): DriverPage;
  /** A shaped viewer's link rate now (kbps), undefined for a viewer without a link (src/link/ShapedViewer.ts). */
  linkKbps?(viewer: ViewerSpec): number | undefined;
  viewers: readonly ViewerSpec[];
  codec: Codec;
  scenarioDir: string;
  attachEpochMs: number;
  statsIntervalMs: number;
  /** rid -> substream as the SFU numbers them for this publish (ridOrder.ts). */
  substreams: ReadonlyMap<string, number>;
  /** The Janus export a table viewer runs, and the file it was read from. */
  table?: { doc: Pick<JanusExport, 'substreams' | 'subscriberTable'>; file: string };
  timeoutMs: number;
}

interface LiveViewer {
  spec: ViewerSpec;
  recorder: ViewerRecorder;
  table?: TablePolicyState;
  estimateKbps?: number;
  rateSource?: RateSource;
  /** The substream Janus last said it forwards to this viewer (its "substream" events). */
  forwarded?: number;
  /** The last simulcast layer asked, until Janus says it forwards it (ASK_AGAIN_MS). */
  pending?: { rid: string; layer: LayerRequest; atMs: number; again: boolean };
}

export class ViewerSession {
  private live = new Map<string, LiveViewer>();

  constructor(private readonly o: ViewerSessionOptions) {}

  private nowMs(): number {
    return Date.now() - this.o.attachEpochMs;
  }

  async start(): Promise<void> {
    for (const spec of this.o.viewers) {
      const v: LiveViewer = { spec, recorder: new ViewerRecorder(spec, this.o.codec, this.o.scenarioDir) };
      if (spec.policy.kind === 'table') {
        if (!this.o.table)
          throw new SimqError(
            `viewer ${spec.spec}: the table policy needs a Janus export (--janus-export FILE)`,
            ExitCode.badInput,
            'simq recommend RUN --format janus --out janus.json, then --janus-export janus.json',
          );
        v.table = new TablePolicyState(this.o.table.doc, `${spec.width}x${spec.height}`, `viewer ${spec.spec}`);
        // A shaped link's rate is known (simq sets it); otherwise it is estimated from the receive stats.
        v.rateSource = this.o.linkKbps?.(spec) !== undefined ? 'link' : 'receive-stats';
      }
      this.live.set(spec.name, v);
      const sub = await this.o.sfu.subscribe(spec.name);
      const config: PageViewerConfig = {
        name: spec.name,
        offerSdp: sub.offerSdp,
        width: spec.width,
        height: spec.height,
        attachEpochMs: this.o.attachEpochMs,
        statsIntervalMs: this.o.statsIntervalMs,
      };
      const answer = (await this.o
        .pageOf(spec)
        .evaluate((c) => (globalThis as unknown as PageViewerGlobal).simq.addViewer(c), config)) as string;
      // The first layer is asked before the answer starts the subscription: Janus relays from `start`
      // on, with its own default target (the top substream, janus_videoroom.c subscriber join) until a
      // configure lands. Asked after, a table viewer meant to start on q was first sent h (a CI run:
      // 320x180 frames before its first 160x90), and a fixed h viewer q until h's keyframe.
      await this.firstLayer(v);
      await this.o.sfu.answer(spec.name, answer);
    }
  }

  private async firstLayer(v: LiveViewer): Promise<void> {
    const { policy } = v.spec;
    if (policy.kind === 'fixed') {
      await this.ask(
        v,
        policy.rid,
        { substream: this.substream(policy.rid), temporal: policy.temporal ?? ALL_TEMPORAL },
        'policy fixed',
      );
    } else if (policy.kind === 'svc') {
      // The operating point's rid as the capture names it (<rid>-S<n>, svcFinish.ts).
      const temporal = policy.temporal ?? ALL_TEMPORAL;
      const rid = `${[...this.o.substreams.keys()][0]}-S${policy.spatial}`;
      await this.ask(
        v,
        rid,
        { substream: 0, temporal, svc: { spatialLayer: policy.spatial, temporalLayer: temporal } },
        'policy svc',
      );
    } else if (policy.kind === 'janus') {
      const top = [...this.o.substreams].sort((a, b) => b[1] - a[1])[0];
      await this.ask(
        v,
        top[0],
        { substream: top[1], temporal: ALL_TEMPORAL },
        "policy janus: the top substream, then only Janus's fallback",
      );
    } else {
      const first = v.table!.initial();
      await this.askBody(
        v,
        first.rid,
        first.configure,
        'policy table: start on the lowest layer the table gives this size',
      );
    }
  }

  private substream(rid: string): number {
    const s = this.o.substreams.get(rid);
    if (s === undefined)
      throw new SimqError(
        `rid ${rid} is not published (${[...this.o.substreams.keys()].join(', ')})`,
        ExitCode.badInput,
      );
    return s;
  }

  private async ask(v: LiveViewer, rid: string, layer: LayerRequest, reason: string, again = false): Promise<void> {
    const at = this.nowMs();
    const body = await this.o.sfu.selectLayer(v.spec.name, layer);
    v.recorder.request(at, rid, layer.temporal, body, reason);
    // Fixed and table viewers of simulcast; the janus policy leaves the layer to Janus's fallback.
    const watched = !layer.svc && (v.spec.policy.kind === 'fixed' || v.spec.policy.kind === 'table');
    v.pending = watched && v.forwarded !== layer.substream ? { rid, layer, atMs: at, again } : undefined;
  }

  /** The last request once more when Janus has not switched to it within ASK_AGAIN_MS (once per request). */
  private async askAgainIfIgnored(v: LiveViewer): Promise<void> {
    const p = v.pending;
    const waited = this.nowMs() - (p?.atMs ?? 0);
    if (!p || p.again || waited < ASK_AGAIN_MS) return;
    const now = v.forwarded === undefined ? 'nothing yet' : `substream ${v.forwarded}`;
    await this.ask(
      v,
      p.rid,
      p.layer,
      `again: Janus forwards ${now} ${(waited / 1000).toFixed(1)} s after substream ${p.layer.substream} was asked (it switches on a keyframe of it)`,
      true,
    );
  }

  /** Sends the export's own configure body (plus the mid the SFU needs). */
  private async askBody(
    v: LiveViewer,
    rid: string,
    configure: { substream: number; temporal: number },
    reason: string,
  ): Promise<void> {
    await this.ask(v, rid, { substream: configure.substream, temporal: configure.temporal }, reason);
  }

  /** Once a second: SFU events into the tables, table viewers re-decided. */
  async tick(): Promise<void> {
    this.drainEvents();
    for (const v of this.live.values()) if (v.table) await this.decide(v);
    for (const v of this.live.values()) await this.askAgainIfIgnored(v);
  }

  private drainEvents(): void {
    for (const e of this.o.sfu.drainEvents()) {
      const v = e.viewer ? this.live.get(e.viewer) : undefined;
      const t = e.epochMs - this.o.attachEpochMs;
      if (v && e.kind === 'substream') {
        v.forwarded = Number(e.detail);
        if (v.pending?.layer.substream === v.forwarded) v.pending = undefined;
      }
      if (v) v.recorder.sfuEvent(t, e.kind, e.detail);
      else for (const each of this.live.values()) each.recorder.sfuEvent(t, `publisher-${e.kind}`, e.detail);
    }
  }

  private async decide(v: LiveViewer): Promise<void> {
    if (v.rateSource === 'link') return this.decideByLink(v);
    const rows = v.recorder.statsRows();
    const [a, b] = rows.slice(-2);
    if (!a || !b || b.bytesReceived === undefined || a.bytesReceived === undefined) return;
    const seconds = (b.t_ms! - a.t_ms!) / 1000;
    if (!(seconds > 0.2)) return;
    const lost = (b.packetsLost ?? 0) - (a.packetsLost ?? 0);
    const kbps = ((b.bytesReceived - a.bytesReceived) * 8) / 1000 / seconds;
    // packetsReceived is not in the stats table; bytes at ~1200 B a packet bound the loss fraction.
    const packets = Math.max(1, (b.bytesReceived - a.bytesReceived) / 1200 + lost);
    const estimate = nextEstimateKbps(v.estimateKbps, {
      kbps,
      lossFraction: Math.max(0, lost) / packets,
      newFreezes: (b.freezeCount ?? 0) - (a.freezeCount ?? 0),
    });
    v.estimateKbps = estimate;
    const choice = v.table!.next(estimate * 1000);
    v.recorder.note(
      b.t_ms!,
      'rate',
      `${Math.round(estimate)} kbps (${v.rateSource}: received ${Math.round(kbps)} kbps, lost ${lost})`,
    );
    if (choice) await this.askBody(v, choice.rid, choice.configure, `policy table at ${Math.round(estimate)} kbps`);
  }

  /**
   * A shaped viewer: the table is fed the rate set on its link now (issue 21: "fed with the viewer's
   * link rate when simq shapes the link, since it knows it"). The link's rate counts every byte on
   * the wire (IP/UDP/SRTP headers, retransmissions), the table's thresholds the layers' media rate:
   * the thresholds' own margins cover that (downSwitchBps = bitrate x (1 + headroom), upSwitchBps =
   * that x (1 + hysteresis): src/recommend/layerSelection.ts; 1.15 and 1.38 x in the handmade export).
   */
  private async decideByLink(v: LiveViewer): Promise<void> {
    const kbps = this.o.linkKbps!(v.spec)!;
    const t = this.nowMs();
    const choice = v.table!.next(kbps * 1000);
    v.recorder.note(t, 'rate', `${Math.round(kbps)} kbps (link: the rate set on the viewer's shaped link)`);
    if (choice) await this.askBody(v, choice.rid, choice.configure, `policy table at ${Math.round(kbps)} kbps (link)`);
  }

  onFrame(meta: PageFrameMeta, data: Uint8Array): void {
    const v = this.live.get(meta.viewer!);
    if (!v) throw new Error(`frame of unknown viewer ${meta.viewer}`);
    v.recorder.onFrame(meta, data);
  }

  onStats(sample: PageViewerStats): void {
    this.live.get(sample.viewer)?.recorder.onStats(sample);
  }

  /** Last stats, the rest of the frames; upload errors are failures. */
  async stop(): Promise<void> {
    // The sender's viewers' page and each shaped viewer's own page, at once: one capture timed out
    // stopping three shaped viewers one after the other on a loaded machine.
    // Each page named by its viewers and its step (viewerStopState): runs with three shaped viewers
    // timed out here when the page's frame uploads had fallen behind (page/upload.ts), and under
    // extreme load when the page did not answer at all.
    const pages = [...new Set(this.o.viewers.map((v) => this.o.pageOf(v)))];
    const names = (page: DriverPage) =>
      this.o.viewers
        .filter((v) => this.o.pageOf(v) === page)
        .map((v) => v.name)
        .join(', ');
    const errors = (
      await Promise.all(
        pages.map((page) =>
          within(stopViewersOf(page), PAGE_STOP_MS, async () => {
            const state = await stopStateOf(page);
            throw new SimqError(
              `the page of viewer ${names(page)} did not stop within ${PAGE_STOP_MS / 1000} s (${state})`,
              ExitCode.incomplete,
            );
          }),
        ),
      )
    ).flat();
    // Only the events: a layer decision now would configure a subscriber whose connection is closed.
    this.drainEvents();
    if (errors.length)
      throw new SimqError(`viewer frames did not reach simq: ${errors.join('; ')}`, ExitCode.incomplete);
  }

  /** The viewer's last inbound-rtp bytesReceived (payload bytes; a shaped link's crossing check). */
  lastBytesReceived(name: string): number | undefined {
    const rows = this.live.get(name)?.recorder.statsRows() ?? [];
    return [...rows].reverse().find((r) => r.bytesReceived !== undefined)?.bytesReceived;
  }

  finish(): ViewerRecord[] {
    return [...this.live.values()].map((v) =>
      v.recorder.finish({
        ...(v.rateSource ? { rateSource: v.rateSource } : {}),
        ...(v.table && this.o.table ? { table: this.o.table.file } : {}),
      }),
    );
  }

  abandon(): void {
    for (const v of this.live.values()) v.recorder.abandon();
  }
}
