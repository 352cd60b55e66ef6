// A viewer in a page: one subscriber RTCPeerConnection per viewer answering the SFU's offer, a
// <video> of the viewer's render size playing what it receives (so the receiver decodes at that
// size, as an app would), a receiver-side encoded transform copying every received frame to simq
// (the viewer's exact bitstream; ../shared/docs/sfu-and-links.md), and inbound-rtp each second.
// Times are ms since the sender's track was attached (docs/design-sfu-links.md "Time base").
import type { PageRenderedFrame, PageViewerConfig, PageViewerStats } from './protocol.js';
import { Uploader, post, log } from './upload.js';
import { gathered } from './ice.js';

interface EncodedStreams {
  readable: ReadableStream<RTCEncodedVideoFrame>;
  writable: WritableStream<RTCEncodedVideoFrame>;
}
type ReceiverWithStreams = RTCRtpReceiver & { createEncodedStreams(): EncodedStreams };

class ViewerPeer {
  private pc: RTCPeerConnection;
  private video: HTMLVideoElement;
  private uploader = new Uploader();
  private count = 0;
  private statsTimer = 0;
  private rendered: PageRenderedFrame[] = [];
  private stopped = false;
  /** Where stop() is (read by simq when a page does not stop in time). */
  stopStep = 'running';

  constructor(private readonly config: PageViewerConfig) {
    // encodedInsertableStreams: every receiver of this connection must be piped (tap() does).
    this.pc = new RTCPeerConnection({ encodedInsertableStreams: true } as RTCConfiguration);
    this.video = document.createElement('video');
    this.video.muted = true;
    this.video.autoplay = true;
    this.video.playsInline = true;
    this.video.width = config.width;
    this.video.height = config.height;
    this.video.style.width = `${config.width}px`;
    this.video.style.height = `${config.height}px`;
    document.body.appendChild(this.video);
  }

  private nowMs(): number {
    return performance.timeOrigin + performance.now() - this.config.attachEpochMs;
  }

  /** performance.now()-based DOMHighResTimeStamp on the scenario's time base. */
  private sinceAttach(t: number): number {
    return performance.timeOrigin + t - this.config.attachEpochMs;
  }

  /**
   * Records every picture the <video> presents: what the viewer saw and when (the render timeline
   * libwebrtc counts freezes on, video_quality_observer2.cc OnRenderedFrame, seen from the page).
   */
  private watchRendering(): void {
    const video = this.video as HTMLVideoElement & {
      requestVideoFrameCallback?: (cb: (now: number, m: Record<string, number | undefined>) => void) => number;
    };
    if (!video.requestVideoFrameCallback)
      return log(`${this.config.name}: no requestVideoFrameCallback: no render timeline`);
    const onFrame = (_now: number, m: Record<string, number | undefined>) => {
      if (this.stopped) return;
      if (m.rtpTimestamp !== undefined && m.presentationTime !== undefined) {
        this.rendered.push({
          rtpTimestamp: m.rtpTimestamp,
          presentedMs: round1(this.sinceAttach(m.presentationTime)),
          expectedDisplayMs: round1(this.sinceAttach(m.expectedDisplayTime ?? m.presentationTime)),
          presentedFrames: m.presentedFrames ?? 0,
          width: m.width ?? 0,
          height: m.height ?? 0,
        });
      }
      video.requestVideoFrameCallback!(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }

  async answer(): Promise<string> {
    this.pc.ontrack = (e) => {
      if (e.track.kind !== 'video') return;
      this.tap(e.receiver as ReceiverWithStreams);
      this.video.srcObject = new MediaStream([e.track]);
      this.watchRendering();
      void this.video.play().catch((err: unknown) => log(`${this.config.name}: play: ${String(err)}`));
    };
    await this.pc.setRemoteDescription({ type: 'offer', sdp: this.config.offerSdp });
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    await gathered(this.pc);
    this.statsTimer = window.setInterval(() => void this.sampleStats(), this.config.statsIntervalMs);
    return this.pc.localDescription!.sdp;
  }

  private tap(receiver: ReceiverWithStreams): void {
    const { readable, writable } = receiver.createEncodedStreams();
    const transform = new TransformStream<RTCEncodedVideoFrame, RTCEncodedVideoFrame>({
      transform: (frame, controller) => {
        const meta = frame.getMetadata() as RTCEncodedVideoFrameMetadata & { rtpTimestamp?: number };
        const data = new Uint8Array(frame.data.slice(0));
        this.uploader.add(
          {
            viewer: this.config.name,
            ssrc: meta.synchronizationSource ?? 0,
            index: this.count++,
            rtpTimestamp: meta.rtpTimestamp ?? frame.timestamp,
            tapTimeMs: this.nowMs(),
            bytes: data.byteLength,
            type: frame.type === 'key' ? 'key' : 'delta',
            temporalIndex: meta.temporalIndex,
            width: meta.width ?? 0,
            height: meta.height ?? 0,
            payloadType: meta.payloadType,
          },
          data,
        );
        controller.enqueue(frame);
      },
    });
    void readable.pipeThrough(transform).pipeTo(writable);
  }

  private async collect(final = false): Promise<PageViewerStats> {
    const report = await this.pc.getStats();
    let inbound: Record<string, unknown> | undefined;
    report.forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') inbound = s;
    });
    const rendered = this.rendered.splice(0);
    return { viewer: this.config.name, tMs: this.nowMs(), inbound, rendered, ...(final ? { final } : {}) };
  }

  private async sampleStats(): Promise<void> {
    try {
      await post('/vstats', JSON.stringify(await this.collect()));
    } catch (e) {
      log(`${this.config.name} stats: ${String(e)}`);
    }
  }

  async stop(): Promise<string | undefined> {
    window.clearInterval(this.statsTimer);
    this.stopped = true;
    this.stopStep = 'reading the last getStats';
    const last = await this.collect(true);
    this.stopStep = 'posting the last stats';
    await post('/vstats', JSON.stringify(last));
    this.stopStep = 'sending the last frames';
    await this.uploader.close();
    this.stopStep = 'closing the connection';
    this.pc.close();
    this.video.srcObject = null;
    this.stopStep = 'stopped';
    return this.uploader.failed;
  }

  stopState(): string {
    return `${this.config.name}: ${this.stopStep} (${this.uploader.state()})`;
  }
}

const viewers = new Map<string, ViewerPeer>();
/** Viewers of a stop in progress, kept for viewerStopState(). */
let stopping: ViewerPeer[] = [];

/** Adds a viewer and returns its answer SDP (ICE gathered). */
export async function addViewer(config: PageViewerConfig): Promise<string> {
  const v = new ViewerPeer(config);
  viewers.set(config.name, v);
  return v.answer();
}

/** Stops every viewer of this page after a last stats sample; returns upload errors, if any. */
export async function stopViewers(): Promise<string[]> {
  const errors: string[] = [];
  stopping = [...viewers.values()];
  for (const [name, v] of viewers) {
    const failed = await v.stop();
    if (failed) errors.push(`${name}: ${failed}`);
  }
  viewers.clear();
  return errors;
}

/** Each viewer's step in a stop that has not ended (simq names it in its error). */
export function viewerStopState(): string {
  return stopping.map((v) => v.stopState()).join('; ') || 'no stop in progress';
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;
