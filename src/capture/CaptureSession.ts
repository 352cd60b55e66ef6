// One scenario's capture: a fresh Chromium (clean bandwidth estimate and encoder state), the
// loopback page, `durationS` seconds of sending, then every layer's bitstream, <rid>.frames.csv and
// stats.csv written into the scenario directory.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  EnvironmentError,
  InputError,
  InterruptedError,
  SimqError,
  ExitCode,
  outputErrorFromErrno,
} from '../errors.js';
import { writeCsvAtomic } from '../io/csv.js';
import type { LayerRecord, ReferenceClip } from '../rundir/RunTypes.js';
import { CODEC_MIME, type Scenario } from '../scenario/ScenarioTypes.js';
import type { Progress } from '../ui/progress.js';
import { BitstreamWriter, bitstreamExtension } from './BitstreamWriter.js';
import { browserProfile, type BrowserProfile, type LayerSize } from './BrowserProfile.js';
import type { DriverBrowser, DriverPage } from './BrowserDriverTypes.js';
import type { FrameBatch, HarnessServer } from './HarnessServer.js';
import type {
  PageCaptureConfig,
  PageFrameMeta,
  PageStartResult,
  PageStatsSample,
  PageStopResult,
} from './page/protocol.js';
import { StatsTimeline } from './StatsTimeline.js';
import { LAYER_FRAMES_COLUMNS, STATS_COLUMNS, type LayerFrameRow } from '../rundir/CsvTypes.js';
import { layerBitstreamName, layerFramesName, STATS_CSV, svcRawBitstreamName } from '../rundir/RunFiles.js';
import { isSpatialMode } from '../scenario/ScalabilityMode.js';
import type { SvcFrame } from './SvcCaptureTypes.js';
import { finishSvc, type SvcTap } from './svcFinish.js';
import { findSteadyStart, settleProblem, settleWaitS, uncappedDemandKbps } from './steadyStart.js';
import type { PageConnectResult, PageViewerStats } from './page/protocol.js';
import type { SfuRecord } from '../sfu/SfuTypes.js';
import { JanusSfu } from '../sfu/janus/JanusSfu.js';
import type { JanusLocation } from '../sfu/janus/locateJanus.js';
import { ridOrderOf, substreamsOf } from '../sfu/janus/ridOrder.js';
import type { JanusExport } from '../recommend/exports/janus.js';
import { ViewerSession } from '../viewer/ViewerSession.js';
import type { ViewerRecord } from '../viewer/ViewerTypes.js';
import { ShapedUplink, type LinkRunRecord } from '../link/ShapedUplink.js';
import { ShapedViewer } from '../link/ShapedViewer.js';
import { NetSandbox } from '../link/NetSandbox.js';
import { VIEWERS_DIR } from '../viewer/ViewerRecorder.js';
import os from 'node:os';
import { isMoving } from '../link/LinkTypes.js';
import { LINK_TIMELINE_COLUMNS, linkTimelineRows } from '../link/linkTimeline.js';

export const STATS_INTERVAL_MS = 1000;

/** What harness.ts puts on the page's window (evaluated in the browser, typed here without DOM types). */
interface PageGlobal {
  simq: {
    start(c: PageCaptureConfig): Promise<PageStartResult>;
    connect(answerSdp: string): Promise<PageConnectResult>;
    stop(): Promise<PageStopResult>;
  };
}
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 15_000;
/** How long a frame-upload error waits for the browser's disconnect, which would be its cause. */
const CRASH_SETTLE_MS = 1000;

export interface CaptureContext {
  /** The executable of the scenario's browser (Chromium unless scenario.browser says firefox). */
  browserPath: string;
  server: HarnessServer;
  serverUrl: string;
  reference: ReferenceClip;
  signal: AbortSignal;
  progress: Progress;
  /** Label for progress lines, e.g. "scenario 2/5". */
  label: string;
  /** The Janus binary, for scenarios with sfu "janus". */
  janus?: JanusLocation;
  /** The Janus export table viewers run (--janus-export). */
  janusExport?: { doc: JanusExport; file: string };
}

/** Whether the sender settled, and where the steady window starts (seconds since the track was attached). */
export interface SettleOutcome {
  settled: boolean;
  steadyFromS: number;
  /** What still moved when simq stopped waiting. */
  problem?: string;
}

export interface ScenarioCaptureResult {
  settle: SettleOutcome;
  layers: LayerRecord[];
  encoderImplementation?: string;
  userAgent?: string;
  browserVersion: string;
  timeline: StatsTimeline;
  /** SFU mode: the SFU's version and settings, and the viewers' records. */
  sfu?: SfuRecord;
  viewers?: ViewerRecord[];
  /** The scenario's shaped links (run.json scenarios[].links). */
  links?: LinkRunRecord[];
}

interface SsrcStream {
  writer: BitstreamWriter;
  frames: LayerFrameRow[];
  /** SVC only: every layer frame kept for cutting the operating points (a few MB for a capture). */
  svc?: SvcTap;
}

export class CaptureSession {
  private streams = new Map<number, SsrcStream>();
  private timeline: StatsTimeline;
  private logLines: string[] = [];
  private browser: DriverBrowser | undefined;
  private crashed = false;
  /** Rejects page work waiting in guard() when the browser dies (playwright's newPage() may never settle then). */
  private crashWaiters = new Set<() => void>();
  private settledAtS: number | undefined;
  private settle: SettleOutcome | undefined;
  private sfu: JanusSfu | undefined;
  private viewers: ViewerSession | undefined;
  private viewerTimer: NodeJS.Timeout | undefined;
  private attachEpochMs = 0;
  /** The sender's shaped uplink, when the scenario has one (loopback or SFU mode, src/link/ShapedUplink.ts). */
  private uplink: ShapedUplink | undefined;
  private links: LinkRunRecord[] | undefined;
  /** Shaped viewers (@LINK): their namespaces, links and page servers, and the browser each runs in. */
  private viewerNet: NetSandbox | undefined;
  private shapedViewers = new Map<string, { link: ShapedViewer; browser?: DriverBrowser; page?: DriverPage }>();

  private get server(): HarnessServer {
    return this.uplink?.server ?? this.ctx.server;
  }

  private get serverUrl(): string {
    return this.uplink?.serverUrl ?? this.ctx.serverUrl;
  }

  constructor(
    private readonly ctx: CaptureContext,
    private readonly scenario: Scenario,
    private readonly dir: string,
  ) {
    this.timeline = new StatsTimeline(scenario.warmupS, scenario.bandwidthBps, scenario.codec);
  }

  private onFrames(batch: FrameBatch): void {
    const ext = bitstreamExtension(this.scenario.codec);
    for (const { meta, data } of batch.frames) {
      if (meta.viewer !== undefined) {
        if (!this.viewers) throw new Error(`frame of viewer ${meta.viewer} without viewers`);
        this.viewers.onFrame(meta, data);
        continue;
      }
      let stream = this.streams.get(meta.ssrc);
      if (!stream) {
        stream = {
          writer: new BitstreamWriter(this.scenario.codec, path.join(this.dir, `.ssrc-${meta.ssrc}.${ext}.part`)),
          frames: [],
        };
        if (this.svc) stream.svc = { frames: [], data: [] };
        this.streams.set(meta.ssrc, stream);
      }
      if (meta.index !== stream.frames.length) {
        throw new Error(`ssrc ${meta.ssrc}: frame ${meta.index} arrived when ${stream.frames.length} were expected`);
      }
      stream.writer.append(data, meta.rtpTimestamp, meta.width, meta.height);
      const row = toCsvRow(meta);
      stream.frames.push(row);
      if (stream.svc) {
        stream.svc.frames.push({ ...toSvcFrame(row), frameId: meta.frameId, dependencies: meta.dependencies });
        stream.svc.data.push(data);
      }
    }
  }

  async run(): Promise<ScenarioCaptureResult> {
    mkdirSync(this.dir, { recursive: true });
    if (this.scenario.uplink)
      this.uplink = await ShapedUplink.open(
        this.scenario.uplink,
        this.scenario.id,
        this.scenario.sfu ? 'sfu-sender' : 'loopback',
      );
    this.server.setSink({
      onFrames: (b) => this.onFrames(b),
      onStats: (s: PageStatsSample) => this.timeline.add(s),
      onLog: (l) => this.logLines.push(l),
      onViewerStats: (s: PageViewerStats) => this.viewers?.onStats(s),
    });
    try {
      await this.openViewerNet();
      await this.startSfu();
      // Before the sender's track is attached (the time base the links' traces start from), so a
      // shaped viewer subscribes as soon as the call is up.
      await this.launchViewerBrowsers();
      const { page, browserVersion } = await this.openPage();
      const start = await this.startCall(page, browserVersion);
      await this.startViewers();
      await this.uplink?.start(this.attachEpochMs || Date.now());
      await this.waitCapture();
      await this.stopViewers();
      await this.stopCall(page);
      await this.closeBrowser();
      const layers = this.finish();
      const viewers = this.viewers?.finish();
      await this.finishLinks();
      await this.finishViewerLinks(viewers ?? []);
      return {
        ...(this.sfu ? { sfu: this.sfu.record() } : {}),
        ...(viewers ? { viewers } : {}),
        settle: this.settle!,
        layers,
        encoderImplementation: layers.find((l) => l.encoderImplementation)?.encoderImplementation,
        userAgent: start.userAgent,
        browserVersion,
        timeline: this.timeline,
        links: this.links,
      };
    } catch (e) {
      for (const s of this.streams.values()) s.writer.abandon();
      this.viewers?.abandon();
      throw this.explain(e);
    } finally {
      clearInterval(this.viewerTimer);
      this.server.setSink(undefined);
      await this.closeBrowser();
      await this.closeViewerNet();
      await this.sfu?.stop();
      await this.uplink?.close();
    }
  }

  /** Every shaped viewer's browser, page server and link schedule, then their namespaces (veths, qdiscs, nft tables go with them). */
  private async closeViewerNet(): Promise<void> {
    for (const v of this.shapedViewers.values()) {
      const b = v.browser;
      v.browser = undefined;
      if (b) await this.closeWithin(b);
      await v.link.close();
    }
    await this.viewerNet?.close();
  }

  /** One VP9/AV1 encoding with a spatial scalabilityMode: sent as one SVC stream, cut into operating points. */
  private get svc(): boolean {
    return this.scenario.encodings.length === 1 && isSpatialMode(this.scenario.encodings[0].scalabilityMode);
  }

  /** SFU mode: simq's own Janus and its room, before the browser starts. */
  private async startSfu(): Promise<void> {
    const { ctx, scenario } = this;
    if (!scenario.sfu) return;
    if (!ctx.janus) throw new SimqError(`${scenario.id}: sfu janus without a located Janus binary`, ExitCode.internal);
    // The shaped sender's and shaped viewers' root-side veths: Janus answers each only through its own.
    const veths = [
      ...(this.uplink ? [this.uplink.rootInterface] : []),
      ...[...this.shapedViewers.values()].map((v) => v.link.host.rootIfname),
    ];
    this.sfu = new JanusSfu({
      janus: ctx.janus,
      codec: scenario.codec,
      svc: this.svc,
      ...(veths.length ? { extraIceInterfaces: veths } : {}),
    });
    ctx.progress.info(`${scenario.id}: starting Janus (${ctx.janus.path})`);
    await this.sfu.start(ctx.signal);
  }

  /**
   * The viewers without a link share one page in the sender's browser; each viewer with a link gets
   * its namespace, shaped downlink and own browser there (src/link/ShapedViewer.ts). Then each
   * viewer is subscribed.
   */
  private async startViewers(): Promise<void> {
    const { ctx, scenario } = this;
    if (!this.sfu || !scenario.viewers?.length) return;
    const sent = this.sentRids();
    for (const v of scenario.viewers) {
      // e.g. f of a 640x360 input: libwebrtc sends two streams there, and Janus forwards what it has.
      if (v.policy.kind === 'fixed' && !sent.includes(v.policy.rid))
        ctx.progress.warn(
          `${scenario.id}: viewer ${v.spec} asks for ${v.policy.rid}, which is not sent for this input (sent: ${sent.join(', ')}); Janus forwards another layer`,
        );
    }
    let page: DriverPage | undefined;
    if (scenario.viewers.some((v) => !v.linkSpec)) {
      page = await this.guard(this.browser!.newPage(), START_TIMEOUT_MS, "opening the viewers' page");
      page.onPageError((message) => this.logLines.push(`viewer pageerror: ${message}`));
      await page.goto(this.serverUrl, START_TIMEOUT_MS);
      await page.waitForGlobal('simq', START_TIMEOUT_MS);
    }
    const shared = page;
    this.viewers = new ViewerSession({
      sfu: this.sfu,
      pageOf: (v) => this.shapedViewers.get(v.name)?.page ?? shared!,
      linkKbps: (v) => this.shapedViewers.get(v.name)?.link.currentKbps,
      viewers: scenario.viewers,
      codec: scenario.codec,
      scenarioDir: this.dir,
      attachEpochMs: this.attachEpochMs,
      statsIntervalMs: STATS_INTERVAL_MS,
      substreams: substreamsOf(scenario.encodings),
      table: ctx.janusExport,
      timeoutMs: START_TIMEOUT_MS,
    });
    await this.guard(this.viewers.start(), START_TIMEOUT_MS, 'subscribing the viewers');
    // The viewers' trace times are on the scenario's time base too (seconds since the sender's attach).
    for (const v of this.shapedViewers.values()) await v.link.start(this.attachEpochMs);
    let busy = false;
    this.viewerTimer = setInterval(() => {
      if (busy) return;
      busy = true;
      this.viewers!.tick()
        .catch((e: unknown) => this.logLines.push(`viewers: ${String(e)}`))
        .finally(() => (busy = false));
    }, STATS_INTERVAL_MS);
  }

  /**
   * Before Janus starts: a namespace, shaped downlink and page server for each viewer with a link.
   * Janus must gather ICE candidates on each viewer's root-side veth (janusConfig.ts
   * ice_enforce_list), and it reads its interfaces only when it starts: measured, with only the
   * machine's interface listed, Janus's answers to a viewer's checks left through that interface
   * (23 packets out of eth0, none out of the viewer's veth) and the viewer never connected.
   */
  private async openViewerNet(): Promise<void> {
    const linked = (this.scenario.viewers ?? []).filter((v) => v.linkSpec);
    if (!this.scenario.sfu || !linked.length) return;
    this.viewerNet = await NetSandbox.open(`${this.scenario.id}: viewers`);
    for (const spec of linked) {
      const link = await ShapedViewer.open(this.viewerNet, spec.name, spec.linkSpec!);
      this.shapedViewers.set(spec.name, { link });
      link.server.setSink({
        onFrames: (b) => this.onFrames(b),
        onStats: () => undefined,
        onLog: (l) => this.logLines.push(`${spec.name}: ${l}`),
        onViewerStats: (s: PageViewerStats) => this.viewers?.onStats(s),
      });
    }
  }

  /**
   * Each shaped viewer's own Chromium, in its namespace, on its page. Viewers are Chromium whatever
   * runs the sender (they tap with createEncodedStreams; expandScenarios refuses --sfu with Firefox),
   * started from the sender's binary.
   */
  private async launchViewerBrowsers(): Promise<void> {
    for (const [name, entry] of this.shapedViewers) {
      const launch = entry.link.launch(this.ctx.browserPath);
      entry.browser = await browserProfile('chromium').launch({
        executablePath: launch.executablePath,
        env: launch.env,
        secureOrigin: launch.secureOrigin,
        extraArgs: launch.extraArgs,
        timeoutMs: START_TIMEOUT_MS,
      });
      entry.browser.onDisconnected(() => {
        if (!entry.browser) return;
        this.crashed = true;
        for (const wake of this.crashWaiters) wake();
      });
      const page = await this.guard(entry.browser.newPage(), START_TIMEOUT_MS, `opening viewer ${name}'s page`);
      page.onPageError((message) => this.logLines.push(`${name} pageerror: ${message}`));
      await this.guard(
        page.goto(entry.link.serverUrl, START_TIMEOUT_MS),
        START_TIMEOUT_MS + 1000,
        `loading viewer ${name}'s page`,
      );
      await this.guard(
        page.waitForGlobal('simq', START_TIMEOUT_MS),
        START_TIMEOUT_MS + 1000,
        `loading viewer ${name}'s page`,
      );
      entry.page = page;
    }
  }

  /** Each shaped viewer's link timeline (viewers/<name>.link.csv) and its run.json record (scenarios[].links[], role downlink). */
  private async finishViewerLinks(records: ViewerRecord[]): Promise<void> {
    if (!this.shapedViewers.size) return;
    const janusAddress = this.janusAddress();
    for (const [name, v] of this.shapedViewers) {
      const { samples, applied } = await v.link.stop();
      const file = `${VIEWERS_DIR}/${name}.link.csv`;
      writeCsvAtomic(path.join(this.dir, file), LINK_TIMELINE_COLUMNS, linkTimelineRows(samples));
      const bytesReceived = this.viewers?.lastBytesReceived(name) ?? 0;
      (this.links ??= []).push(await v.link.record(applied, bytesReceived, file, janusAddress));
      const record = records.find((r) => r.name === name);
      if (record) record.files.link = file;
    }
  }

  /** The IPv4 address of the interface Janus gathers on (the viewers' media comes from there). */
  private janusAddress(): string | undefined {
    const ifname = this.sfu?.record().settings.iceInterface;
    // The first interface listed is the machine's (the publisher's); the rest are viewers' veths.
    return typeof ifname === 'string'
      ? os.networkInterfaces()[ifname.split(',')[0]!]?.find((a) => a.family === 'IPv4')?.address
      : undefined;
  }

  private async stopViewers(): Promise<void> {
    clearInterval(this.viewerTimer);
    if (this.viewers) await this.guard(this.viewers.stop(), STOP_TIMEOUT_MS, 'stopping the viewers');
  }

  /** The link timeline (its own CSV, and columns of stats.csv), and what run.json records of each link. */
  private async finishLinks(): Promise<void> {
    if (!this.uplink) return;
    const { samples, applied } = await this.uplink.stop();
    const file = 'uplink.csv';
    writeCsvAtomic(path.join(this.dir, file), LINK_TIMELINE_COLUMNS, linkTimelineRows(samples));
    this.timeline.setLinkSamples(samples);
    writeCsvAtomic(path.join(this.dir, STATS_CSV), STATS_COLUMNS, this.timeline.rows());
    const bytesSent = this.scenario.encodings.reduce(
      (sum, e) => sum + (this.timeline.lastOutbound(e.rid)?.bytesSent ?? 0),
      0,
    );
    this.links = [await this.uplink.record(applied, bytesSent, file)];
  }

  private get profile(): BrowserProfile {
    return browserProfile(this.scenario.browser);
  }

  private get label(): string {
    return this.profile.label;
  }

  /** Chromium with the clip as its fake camera, or Firefox playing the clip's feed, on the harness page. */
  private async openPage(): Promise<{ page: DriverPage; browserVersion: string }> {
    const { ctx } = this;
    const { profile } = this;
    if (profile.playsFeed && !ctx.reference.feed)
      throw new SimqError(`${this.scenario.id}: no camera feed was prepared for ${profile.label}`, ExitCode.internal);
    this.server.setFeed(profile.playsFeed ? ctx.reference.feed!.file : undefined);
    // Behind a shaped uplink the browser runs in the sender's namespace through the wrapper.
    const launch = this.uplink?.launch(ctx.browserPath);
    this.browser = await profile.launch({
      executablePath: launch?.executablePath ?? ctx.browserPath,
      fakeCaptureY4m: ctx.reference.y4m,
      timeoutMs: START_TIMEOUT_MS,
      env: launch?.env,
      secureOrigin: launch?.secureOrigin,
    });
    this.browser.onDisconnected(() => {
      this.crashed = true;
      for (const wake of this.crashWaiters) wake();
    });
    const browserVersion = this.browser.version;
    const page = await this.guard(this.browser.newPage(), START_TIMEOUT_MS, 'opening the page');
    page.onPageError((message) => this.logLines.push(`pageerror: ${message}`));
    await this.guard(page.goto(this.serverUrl, START_TIMEOUT_MS), START_TIMEOUT_MS + 1000, 'loading the page');
    await this.guard(page.waitForGlobal('simq', START_TIMEOUT_MS), START_TIMEOUT_MS + 1000, 'loading the page');
    return { page, browserVersion };
  }

  /** Starts the loopback call; refuses a codec the browser cannot encode or a camera of another size. */
  private async startCall(page: DriverPage, browserVersion: string): Promise<PageStartResult> {
    const { ctx, scenario } = this;
    const config = this.pageConfig();
    const start = (await this.guard(
      page.evaluate((c) => (globalThis as unknown as PageGlobal).simq.start(c), config),
      START_TIMEOUT_MS,
      'starting the loopback call',
    )) as PageStartResult;
    if (!start.ok) {
      throw new EnvironmentError(
        `${scenario.id}: ${this.label} ${browserVersion} cannot encode ${scenario.codec} (it can encode: ${start.encodableCodecs.join(', ')})`,
        `choose one of those with --codec, or use a Chrome build with ${scenario.codec}`,
      );
    }
    if (this.sfu) {
      // SFU mode: Janus answers the page's offer; the page attaches the track once it has the answer.
      const answer = await this.guard(
        this.sfu.publish({ offerSdp: start.offerSdp!, ridOrder: ridOrderOf(scenario.encodings) }),
        START_TIMEOUT_MS,
        'publishing to Janus',
      );
      const connected = (await this.guard(
        page.evaluate((a) => (globalThis as unknown as PageGlobal).simq.connect(a), answer),
        START_TIMEOUT_MS,
        'connecting to Janus',
      )) as PageConnectResult;
      this.attachEpochMs = connected.attachEpochMs;
    } else {
      this.attachEpochMs = start.connected?.attachEpochMs ?? Date.now();
    }
    const ts = start.trackSettings;
    if (ts && (ts.width !== ctx.reference.width || ts.height !== ctx.reference.height)) {
      throw new SimqError(
        `${scenario.id}: the ${this.profile.cameraName} delivers ${ts.width}x${ts.height}, not the prepared clip's ${ctx.reference.width}x${ctx.reference.height}`,
        ExitCode.internal,
      );
    }
    return start;
  }

  /** Stops the call; every frame must have reached simq. */
  private async stopCall(page: DriverPage): Promise<void> {
    const { scenario } = this;
    const stop = (await this.guard(
      page.evaluate(() => (globalThis as unknown as PageGlobal).simq.stop(), undefined),
      STOP_TIMEOUT_MS,
      'stopping the capture',
    )) as PageStopResult;
    if (this.server.sinkError)
      throw (
        outputErrorFromErrno(this.server.sinkError) ?? new SimqError(`${scenario.id}: ${this.server.sinkError.message}`)
      );
    if (stop.uploadError) throw new SimqError(`${scenario.id}: frames did not reach simq: ${stop.uploadError}`);
  }

  private explain(e: unknown): unknown {
    if (this.crashed && !this.ctx.signal.aborted && !(e instanceof SimqError && e.exitCode !== ExitCode.incomplete))
      return this.crashError();
    if (e instanceof SimqError) return e;
    const io = outputErrorFromErrno(e) ?? outputErrorFromErrno(this.server.sinkError);
    if (io) return io;
    if (this.ctx.signal.aborted) return new InterruptedError(`${this.scenario.id}: interrupted`);
    const log = this.logLines.length ? ` (page log: ${this.logLines.slice(-3).join(' | ')})` : '';
    return new SimqError(
      `${this.scenario.id}: capture failed: ${(e as Error)?.message ?? String(e)}${log}`,
      ExitCode.incomplete,
    );
  }

  /**
   * Closes the browser, waiting at most CLOSE_TIMEOUT_MS: a capture whose browser was killed once
   * never returned from this step (a CI run found simq idle for hours with no timer and no child), and
   * a browser that does not close in time is no reason to hold the run.
   */
  private async closeBrowser(): Promise<void> {
    const b = this.browser;
    this.browser = undefined;
    if (b) await this.closeWithin(b);
  }

  private async closeWithin(b: DriverBrowser): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.logLines.push(`${this.label} did not close within ${CLOSE_TIMEOUT_MS / 1000} s; left to exit`);
        resolve();
      }, CLOSE_TIMEOUT_MS);
    });
    await Promise.race([b.close().catch(() => undefined), late]);
    clearTimeout(timer);
  }

  private crashError(): SimqError {
    return new SimqError(`${this.scenario.id}: ${this.label} exited during the capture`, ExitCode.incomplete);
  }

  /**
   * Races page work against a timeout, Ctrl-C and a browser crash. A crash rejects at once: a CI run
   * under load killed Chromium while newPage() was pending, and it never settled, so simq waited the
   * whole timeout and then blamed "opening the page" instead of the crash.
   */
  private guard<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new SimqError(`${this.scenario.id}: timed out ${what}`, ExitCode.incomplete)),
        timeoutMs,
      );
      const onAbort = () => reject(new InterruptedError(`${this.scenario.id}: interrupted`));
      const onCrash = () => reject(this.crashError());
      this.ctx.signal.addEventListener('abort', onAbort, { once: true });
      this.crashWaiters.add(onCrash);
      if (this.crashed) onCrash();
      work.then(resolve, reject).finally(() => {
        clearTimeout(timer);
        this.ctx.signal.removeEventListener('abort', onAbort);
        this.crashWaiters.delete(onCrash);
      });
    });
  }

  /** The active encodings libwebrtc configures for this input (encoder_stream_factory.cc drops some for small inputs). */
  private sentRids(): string[] {
    const { scenario } = this;
    const sizes = this.layerSizes();
    return scenario.encodings.filter((e, i) => e.active && sizes[i]?.sent !== false).map((e) => e.rid);
  }

  /**
   * Sends until the steady window has lasted durationS - warmupS seconds. The window starts once the
   * sender has settled (steadyStart.ts), at the warm-up's end at the earliest; when it has not
   * settled settleWaitS() seconds after the warm-up, the window starts there and the scenario is marked
   * unsettled (captureStage.ts captures it again).
   */
  private async waitCapture(): Promise<void> {
    const { durationS, warmupS } = this.scenario;
    const steadyLength = durationS - warmupS;
    const deadline = warmupS + settleWaitS();
    const settleInput = {
      // Layers libwebrtc does not configure for this input size never send: they are not waited for.
      activeRids: this.sentRids(),
      capped: this.scenario.bandwidthBps !== undefined,
      warmupS,
      latestS: deadline,
      configuredFps: Object.fromEntries(this.scenario.encodings.map((e) => [e.rid, this.configuredFps(e)])),
      codec: this.scenario.codec,
      demandKbps: this.demandKbps(),
    };
    const started = Date.now();
    // A moving link has no steady state to wait for: the scenario is measured over time from the
    // warm-up on (run.json scenarios[].links[].moving; measure and report read it).
    if (this.scenario.uplink && isMoving(this.scenario.uplink)) this.settledAtS = warmupS;
    for (;;) {
      const elapsed = (Date.now() - started) / 1000;
      this.settledAtS ??= findSteadyStart({ ...settleInput, rows: this.timeline.rows() });
      // Past the deadline the window starts there, unless the interval that began there turns out settled.
      const from =
        this.settledAtS !== undefined
          ? Math.max(warmupS, Math.min(deadline, this.settledAtS))
          : elapsed >= deadline
            ? deadline
            : undefined;
      const endS = from === undefined ? undefined : from + steadyLength;
      const shownEnd = Math.ceil(endS ?? Math.max(durationS, elapsed + 1));
      this.ctx.progress.update(
        `${this.ctx.label} ${this.scenario.id}: seconds captured`,
        Math.min(Math.floor(elapsed), shownEnd),
        shownEnd,
      );
      if (endS !== undefined && elapsed >= endS) break;
      if (this.ctx.signal.aborted)
        throw new InterruptedError(`${this.scenario.id}: interrupted after ${elapsed.toFixed(1)} s`);
      if (this.crashed)
        throw new SimqError(
          `${this.scenario.id}: ${this.label} exited after ${elapsed.toFixed(1)} s of capture`,
          ExitCode.incomplete,
        );
      if (this.server.sinkError) {
        // A killed browser can lose a frame batch before its disconnect is seen (a test killed it
        // and got "frame 68 arrived when 65 were expected", exit 1): the crash is the cause.
        await new Promise((r) => setTimeout(r, CRASH_SETTLE_MS));
        if (this.crashed)
          throw new SimqError(
            `${this.scenario.id}: ${this.label} exited after ${elapsed.toFixed(1)} s of capture`,
            ExitCode.incomplete,
          );
        throw (
          outputErrorFromErrno(this.server.sinkError) ??
          new SimqError(`${this.scenario.id}: ${this.server.sinkError.message}`)
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(200, endS === undefined ? 200 : (endS - elapsed) * 1000 + 1)));
    }
    this.settle =
      this.settledAtS === undefined
        ? {
            settled: false,
            steadyFromS: deadline,
            problem: settleProblem({ ...settleInput, rows: this.timeline.rows() }),
          }
        : { settled: true, steadyFromS: Math.max(warmupS, Math.min(deadline, this.settledAtS)) };
    this.timeline.setSteadyStart(this.settle.steadyFromS);
    this.ctx.progress.done();
  }

  /**
   * What the layers ask for without a cap, where libwebrtc's allocation model describes this sender
   * (Chromium simulcast or SVC, no shaped uplink): the estimate must not still be ramping below it
   * (steadyStart.ts). SVC needs it most: its allocator reports no bandwidth limitation while every
   * spatial layer is on (svc_rate_allocator.cc sets bw_limited only when it drops a layer), and
   * spatial layer 0's share, the stream's only target, moves less than the settled share per second
   * on a slow ramp. A CI run measured AV1 L3T3 with that target 17% under the plan, over the whole
   * window: the estimate had not reached the layers' maximum.
   */
  private demandKbps(): number | undefined {
    const { scenario, ctx } = this;
    if (!this.profile.predictedByAllocationModel || scenario.uplink || scenario.bandwidthBps !== undefined)
      return undefined;
    try {
      return uncappedDemandKbps(scenario, ctx.reference);
    } catch (e) {
      // A scenario the model refuses (it checks what the browser accepted) gets no ramp check.
      if (e instanceof InputError) return undefined;
      throw e;
    }
  }

  /** Each encoding's configured size: libwebrtc's encoder_stream_factory.cc, or gecko's VideoStreamFactory.cpp. */
  private layerSizes(): LayerSize[] {
    const input = { width: this.ctx.reference.width, height: this.ctx.reference.height };
    return this.profile.layerSizes(this.scenario.codec, input, this.scenario.encodings);
  }

  private pageConfig(): PageCaptureConfig {
    const { scenario, ctx } = this;
    return {
      ...this.profile.pageConfig(),
      codecMime: CODEC_MIME[scenario.codec],
      width: ctx.reference.width,
      height: ctx.reference.height,
      fps: ctx.reference.fps,
      encodings: scenario.encodings.map((e) => ({ ...e })),
      ...(this.svc ? { unicast: true } : {}),
      contentHint: scenario.contentHint,
      maxTotalBitrateBps: scenario.bandwidthBps,
      startBitrateKbps: startBitrateFromEnv(),
      statsIntervalMs: STATS_INTERVAL_MS,
      ...(scenario.sfu ? { sfu: { kind: scenario.sfu } } : {}),
      candidates: this.uplink?.candidates,
    };
  }

  /** Names each SSRC's file after its rid (from outbound-rtp stats) and writes the CSVs. */
  private finish(): LayerRecord[] {
    const { scenario } = this;
    const ext = bitstreamExtension(scenario.codec);
    const layers: LayerRecord[] = [];
    // Sizes as libwebrtc configures them (scaleResolutionDownTo, unset scales, dropped layers).
    const sizes = this.layerSizes();
    for (const [index, enc] of scenario.encodings.entries()) {
      const out = this.timeline.lastOutbound(enc.rid);
      const stream = out?.ssrc !== undefined ? this.streams.get(out.ssrc) : undefined;
      const layer = this.layerRecord(enc, { width: sizes[index].width, height: sizes[index].height }, out, stream);
      if (this.profile.deriveLayer)
        layer.derived = this.profile.deriveLayer(
          scenario.encodings,
          index,
          this.ctx.reference,
          layer.configured.fps,
          stream?.frames ?? [],
          layer.steady,
        );
      if (stream?.svc && stream.frames.length > 0) {
        layers.push(layer, ...this.finishSvc(layer, stream, stream.svc));
        continue;
      }
      if (stream && stream.frames.length > 0) {
        layer.bitstream = layerBitstreamName(enc.rid, ext);
        layer.framesCsv = layerFramesName(enc.rid);
        stream.writer.finish(path.join(this.dir, layer.bitstream));
        writeCsvAtomic(path.join(this.dir, layer.framesCsv), LAYER_FRAMES_COLUMNS, stream.frames);
      } else {
        stream?.writer.abandon();
      }
      layers.push(layer);
    }
    // An SSRC that no rid claimed leaves no .part file behind (finished writers ignore this).
    for (const s of this.streams.values()) s.writer.abandon();
    writeCsvAtomic(path.join(this.dir, STATS_CSV), STATS_COLUMNS, this.timeline.rows());
    return layers;
  }

  /**
   * An SVC encoding: the raw tap (every layer frame) as <rid>.svc.ivf with <rid>.frames.csv, no
   * bitstream of its own to measure; its operating points become the scenario's measured layers.
   */
  private finishSvc(layer: LayerRecord, stream: SsrcStream, tap: SvcTap): LayerRecord[] {
    const rawBitstream = svcRawBitstreamName(layer.rid);
    layer.framesCsv = layerFramesName(layer.rid);
    stream.writer.finish(path.join(this.dir, rawBitstream));
    writeCsvAtomic(path.join(this.dir, layer.framesCsv), LAYER_FRAMES_COLUMNS, stream.frames);
    const { reference } = this.ctx;
    const result = finishSvc({
      dir: this.dir,
      scenario: this.scenario,
      input: { width: reference.width, height: reference.height, fps: reference.fps },
      layer,
      tap,
      rawBitstream,
    });
    layer.svc = result.svc;
    return result.points;
  }

  /** An encoding's frame rate as configured: the clip's, or its maxFramerate when lower. */
  private configuredFps(enc: Scenario['encodings'][number]): number {
    return Math.min(this.ctx.reference.fps, enc.maxFramerate ?? Infinity);
  }

  /** What run.json records of one encoding: as configured, as the browser reported it, as captured. */
  private layerRecord(
    enc: Scenario['encodings'][number],
    size: { width: number; height: number },
    out: ReturnType<StatsTimeline['lastOutbound']>,
    stream: SsrcStream | undefined,
  ): LayerRecord {
    return {
      rid: enc.rid,
      active: enc.active,
      ssrc: out?.ssrc,
      configured: {
        ...size,
        fps: this.configuredFps(enc),
        maxBitrate: enc.maxBitrate,
        scalabilityMode: enc.scalabilityMode,
      },
      framesCaptured: stream?.frames.length ?? 0,
      framesEncoded: out?.framesEncoded ?? 0,
      encoderImplementation: out?.encoderImplementation,
      scalabilityMode: out?.scalabilityMode,
      steady: this.timeline.steady(enc.rid),
    };
  }
}

/**
 * SIMQ_START_BITRATE_KBPS starts the bandwidth estimate elsewhere than Chrome's 300 kbps: a low value
 * reproduces a slow ramp on demand (the tests use it), a high one shortens the ramp. Results are only
 * comparable with runs made without it once the sender has settled, which steadyStart.ts waits for.
 */
export function startBitrateFromEnv(): number | undefined {
  const text = process.env.SIMQ_START_BITRATE_KBPS;
  if (text === undefined || text === '') return undefined;
  const kbps = Number(text);
  if (!Number.isFinite(kbps) || kbps < 30 || kbps > 100_000) {
    throw new InputError(
      `SIMQ_START_BITRATE_KBPS=${text}: expected kbps between 30 and 100000`,
      'unset SIMQ_START_BITRATE_KBPS, or set it to e.g. 1000',
    );
  }
  return kbps;
}

function toCsvRow(meta: PageFrameMeta): LayerFrameRow {
  return {
    frame_index: meta.index,
    rtp_timestamp: meta.rtpTimestamp,
    time_s: Math.round(meta.tapTimeMs) / 1000,
    bytes: meta.bytes,
    type: meta.type,
    temporal_index: meta.temporalIndex,
    width: meta.width,
    height: meta.height,
    spatial_index: meta.spatialIndex,
    frame_id: meta.frameId,
    dependencies: meta.dependencies?.join(' '),
  };
}

function toSvcFrame(row: LayerFrameRow): SvcFrame {
  return {
    rtpTimestamp: row.rtp_timestamp,
    timeS: row.time_s,
    bytes: row.bytes,
    type: row.type,
    spatialIndex: row.spatial_index,
    temporalIndex: row.temporal_index,
    width: row.width,
    height: row.height,
  };
}
