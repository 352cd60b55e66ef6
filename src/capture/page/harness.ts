// The loopback page: pc1 sends simulcast from the fake camera, pc2 receives it through the
// "rid as mid" rewrite, an encoded transform on pc1's sender taps every encoded frame of every
// layer, and frames and stats are posted to the Node harness server as they arrive, so the
// browser never holds the whole run in memory.
import {
  answerMidsToRids,
  answerWithCaps,
  answerWithStartBitrate,
  offerRidsToMids,
  withVideoBandwidth,
} from './sdpMunging.js';
import type {
  PageCaptureConfig,
  PageStartResult,
  PageStopResult,
  PageStatsSample,
  PageConnectResult,
} from './protocol.js';
import { Uploader, post, log } from './upload.js';
import { addViewer, stopViewers, viewerStopState } from './viewer.js';
import { gathered } from './ice.js';

interface EncodedStreams {
  readable: ReadableStream<RTCEncodedVideoFrame>;
  writable: WritableStream<RTCEncodedVideoFrame>;
}
type SenderWithStreams = RTCRtpSender & { createEncodedStreams(): EncodedStreams };

/** Longer than Chrome's getStats() result cache, so the final sample is fresh. */
const FINAL_STATS_DELAY_MS = 600;

class LoopbackCapture {
  private pc1: RTCPeerConnection;
  private pc2: RTCPeerConnection;
  private sender!: RTCRtpSender;
  private stream!: MediaStream;
  private uploader = new Uploader();
  private t0 = 0;
  private frameCounts = new Map<number, number>();
  private statsTimer = 0;

  private firefox: boolean;
  private video: HTMLVideoElement | undefined;
  private worker: Worker | undefined;

  constructor(private config: PageCaptureConfig) {
    this.firefox = config.browser === 'firefox';
    // encodedInsertableStreams only on the sender side: every sender of this connection must then
    // be piped through createEncodedStreams or its frames stall. Firefox taps with
    // RTCRtpScriptTransform instead and knows no such option.
    this.pc1 = new RTCPeerConnection(this.firefox ? {} : ({ encodedInsertableStreams: true } as RTCConfiguration));
    this.pc2 = new RTCPeerConnection();
  }

  /** The camera: the fake capture device, or the clip played in a <video> (feedUrl). */
  private async camera(): Promise<MediaStream> {
    const { config } = this;
    if (!config.feedUrl) {
      return navigator.mediaDevices.getUserMedia({
        video: { width: { exact: config.width }, height: { exact: config.height }, frameRate: { exact: config.fps } },
        audio: false,
      });
    }
    const video = document.createElement('video');
    video.muted = true;
    video.loop = true;
    video.playsInline = true;
    video.src = config.feedUrl;
    document.body.appendChild(video);
    this.video = video;
    await video.play();
    const v = video as HTMLVideoElement & { mozCaptureStream?: () => MediaStream; captureStream?: () => MediaStream };
    const stream = v.captureStream ? v.captureStream() : v.mozCaptureStream!();
    const track = stream.getVideoTracks()[0];
    // captureStream's track exists before its first frame: wait until it has a size.
    for (let i = 0; i < 100 && !(track?.getSettings().width ?? video.videoWidth); i++)
      await new Promise((r) => setTimeout(r, 50));
    return stream;
  }

  async start(): Promise<PageStartResult> {
    const { config } = this;
    const caps = RTCRtpSender.getCapabilities('video');
    const encodable = [
      ...new Set((caps?.codecs ?? []).map((c) => c.mimeType.replace(/^video\//, '').toLowerCase())),
    ].filter((c) => !['rtx', 'red', 'ulpfec', 'flexfec-03'].includes(c));
    const wanted = (caps?.codecs ?? []).filter(
      (c) => c.mimeType.toLowerCase() === `video/${config.codecMime.toLowerCase()}`,
    );
    if (wanted.length === 0) {
      return { ok: false, encodableCodecs: encodable };
    }

    this.stream = await this.camera();
    const track = this.stream.getVideoTracks()[0];
    // content hint decides camera vs screen behaviour in libwebrtc (e.g. the 1.35x screenshare
    // hysteresis); an empty hint is camera.
    track.contentHint = config.contentHint;

    // An SVC scenario (one encoding) is plain unicast: no rid, no SDP rewrite, so pc2 keeps pc1's mid.
    this.single = config.unicast === true && !this.firefox;
    // Behind a shaped uplink only the send address's candidates of pc1 and the receive address's of
    // pc2 are exchanged: the one pair left sends media to the receive address, which simq shapes.
    const keep = (c: RTCIceCandidate, address: string | undefined) =>
      address === undefined || c.address === address || c.candidate.includes(` ${address} `);
    this.pc1.onicecandidate = (e) => {
      if (e.candidate && !config.sfu && keep(e.candidate, config.candidates?.send))
        void this.pc2.addIceCandidate({
          candidate: e.candidate.candidate,
          sdpMid: this.single ? this.pc1Mid : config.encodings[0].rid,
          sdpMLineIndex: 0,
        });
    };
    this.pc2.onicecandidate = (e) => {
      if (e.candidate && keep(e.candidate, config.candidates?.receive))
        void this.pc1.addIceCandidate({ candidate: e.candidate.candidate, sdpMid: this.pc1Mid, sdpMLineIndex: 0 });
    };

    // The track is attached only after the active flags are set (below), so no layer that should be
    // off is ever encoded, and the tap sees every frame from the first one.
    const transceiver = this.pc1.addTransceiver('video', {
      direction: 'sendonly',
      sendEncodings: config.encodings.map((e) => {
        const enc: RTCRtpEncodingParameters & {
          scalabilityMode?: string;
          scaleResolutionDownTo?: { maxWidth: number; maxHeight: number };
        } = this.single ? {} : { rid: e.rid };
        // Unset means unset: the browser (libwebrtc) picks the scale, which is what is under test.
        if (!e.scaleResolutionDownByUnset) enc.scaleResolutionDownBy = e.scaleResolutionDownBy;
        if (e.scaleResolutionDownTo) enc.scaleResolutionDownTo = { ...e.scaleResolutionDownTo };
        if (e.maxBitrate !== undefined) enc.maxBitrate = e.maxBitrate;
        if (e.maxFramerate !== undefined) enc.maxFramerate = e.maxFramerate;
        // Firefox has no scalabilityMode (it sends two temporal layers per stream) and honours
        // `active` here, at negotiation.
        if (e.scalabilityMode !== undefined && !this.firefox) enc.scalabilityMode = e.scalabilityMode;
        if (this.firefox) enc.active = e.active;
        return enc;
      }),
    });
    transceiver.setCodecPreferences(wanted);
    this.sender = transceiver.sender;
    if (this.firefox) this.scriptTap(this.sender);
    else this.tap(this.sender as SenderWithStreams);

    const offer = await this.pc1.createOffer();
    await this.pc1.setLocalDescription(offer);
    this.pc1Mid = transceiver.mid ?? '0';
    const settings = track.getSettings();
    // A captureStream() track may not report its size: the playing video's is the same.
    const width = settings.width ?? this.video?.videoWidth ?? 0;
    const height = settings.height ?? this.video?.videoHeight ?? 0;
    const result: PageStartResult = {
      ok: true,
      encodableCodecs: encodable,
      userAgent: navigator.userAgent,
      trackSettings: { width, height },
    };
    if (config.sfu) {
      // The SFU answers (JanusSfu.publish): its answer comes back through connect(). The offer
      // carries every host candidate, so no trickle is needed.
      this.pc2.close();
      await gathered(this.pc1);
      return { ...result, offerSdp: this.pc1.localDescription!.sdp };
    }
    await this.pc2.setRemoteDescription({ type: 'offer', sdp: this.single ? offer.sdp! : offerRidsToMids(offer.sdp!) });
    const answer = await this.pc2.createAnswer();
    await this.pc2.setLocalDescription(answer);
    const answerOptions = { maxBitrateBps: config.maxTotalBitrateBps, startBitrateKbps: config.startBitrateKbps };
    const connected = await this.connect(
      this.single
        ? answerWithCaps(answer.sdp!, answerOptions)
        : answerMidsToRids(answer.sdp!, offer.sdp!, answerOptions),
    );
    return { ...result, connected };
  }

  /** The answer (pc2's, or the SFU's), the active flags, then the track: the tap's clock starts here. */
  async connect(answerSdp: string): Promise<PageConnectResult> {
    const { config } = this;
    // The SFU's answer: the cap and the start bitrate, as pc2's answer gets them (answerMidsToRids).
    const started =
      config.sfu && config.startBitrateKbps !== undefined
        ? answerWithStartBitrate(answerSdp, config.startBitrateKbps)
        : answerSdp;
    const capped =
      config.sfu && config.maxTotalBitrateBps !== undefined
        ? withVideoBandwidth(started, config.maxTotalBitrateBps)
        : started;
    await this.pc1.setRemoteDescription({ type: 'answer', sdp: capped });

    // Chrome ignores `active` in addTransceiver's sendEncodings: apply it after negotiation.
    const params = this.sender.getParameters();
    for (const [i, enc] of params.encodings.entries()) {
      const wantedEnc = this.single ? config.encodings[0] : config.encodings.find((e) => e.rid === enc.rid);
      if (wantedEnc && i < (this.single ? 1 : params.encodings.length)) enc.active = wantedEnc.active;
    }
    await this.sender.setParameters(params);

    await this.sender.replaceTrack(this.stream.getVideoTracks()[0]);
    this.t0 = performance.now();
    this.statsTimer = window.setInterval(() => void this.sampleStats(), config.statsIntervalMs);
    void this.sampleStats();
    return { attachEpochMs: performance.timeOrigin + this.t0 };
  }

  private pc1Mid = '0';
  private single = false;

  private tap(sender: SenderWithStreams): void {
    const { readable, writable } = sender.createEncodedStreams();
    const transform = new TransformStream<RTCEncodedVideoFrame, RTCEncodedVideoFrame>({
      transform: (frame, controller) => {
        this.onFrame(frame);
        controller.enqueue(frame);
      },
    });
    void readable.pipeThrough(transform).pipeTo(writable);
  }

  /** Firefox: RTCRtpScriptTransform in a worker, which posts each frame's copy back here. */
  private scriptTap(sender: RTCRtpSender): void {
    this.worker = new Worker('/tapWorker.js');
    this.worker.onmessage = (
      e: MessageEvent<{ type: string; timestamp: number; meta: Record<string, unknown>; data: ArrayBuffer }>,
    ) => {
      const { type, timestamp, meta, data } = e.data;
      this.onFrameData(
        meta as RTCEncodedVideoFrameMetadata & { rtpTimestamp?: number },
        type,
        timestamp,
        new Uint8Array(data),
      );
    };
    const Transform = (window as unknown as { RTCRtpScriptTransform: new (w: Worker, o: unknown) => unknown })
      .RTCRtpScriptTransform;
    (sender as unknown as { transform: unknown }).transform = new Transform(this.worker, { side: 'send' });
  }

  private onFrame(frame: RTCEncodedVideoFrame): void {
    const meta = frame.getMetadata() as RTCEncodedVideoFrameMetadata & { rtpTimestamp?: number };
    this.onFrameData(meta, frame.type, frame.timestamp, new Uint8Array(frame.data.slice(0)));
  }

  private onFrameData(
    meta: RTCEncodedVideoFrameMetadata & { rtpTimestamp?: number },
    frameType: string,
    timestamp: number,
    data: Uint8Array,
  ): void {
    const ssrc = meta.synchronizationSource ?? 0;
    const count = this.frameCounts.get(ssrc) ?? 0;
    this.frameCounts.set(ssrc, count + 1);
    this.uploader.add(
      {
        ssrc,
        index: count,
        rtpTimestamp: meta.rtpTimestamp ?? timestamp,
        tapTimeMs: performance.now() - this.t0,
        bytes: data.byteLength,
        type: frameType === 'key' ? 'key' : 'delta',
        temporalIndex: meta.temporalIndex,
        spatialIndex: meta.spatialIndex,
        frameId: meta.frameId,
        dependencies: meta.dependencies ? [...meta.dependencies] : undefined,
        decodeTargetIndications: (meta as { decodeTargetIndications?: string[] }).decodeTargetIndications?.slice(),
        width: meta.width ?? 0,
        height: meta.height ?? 0,
        payloadType: meta.payloadType,
      },
      data,
    );
  }

  private async collectStats(): Promise<PageStatsSample> {
    const report = await this.pc1.getStats();
    const sample: PageStatsSample = {
      tMs: performance.now() - this.t0,
      outbound: [],
      availableOutgoingBitrate: undefined,
    };
    const transports: Record<string, unknown>[] = [];
    const pairs = new Map<string, Record<string, unknown>>();
    report.forEach((s: Record<string, unknown>) => {
      // A lone encoding is sent without a rid: its stats are filed under the scenario's rid.
      if (s.type === 'outbound-rtp' && s.kind === 'video')
        sample.outbound.push(this.single && s.rid === undefined ? { ...s, rid: this.config.encodings[0].rid } : s);
      if (s.type === 'transport') transports.push(s);
      if (s.type === 'candidate-pair') pairs.set(s.id as string, s);
      if (s.type === 'media-source' && s.kind === 'video' && typeof s.frames === 'number')
        sample.sourceFrames = s.frames;
    });
    const selectedId = transports.map((t) => t.selectedCandidatePairId as string | undefined).find((id) => id);
    const pair = selectedId
      ? pairs.get(selectedId)
      : [...pairs.values()].find((p) => p.nominated && p.state === 'succeeded');
    sample.availableOutgoingBitrate = pair?.availableOutgoingBitrate as number | undefined;
    return sample;
  }

  private async sampleStats(): Promise<void> {
    try {
      const sample = await this.collectStats();
      await post('/stats', JSON.stringify(sample));
    } catch (e) {
      log(`stats: ${String(e)}`);
    }
  }

  async stop(): Promise<PageStopResult> {
    window.clearInterval(this.statsTimer);
    // The closing sample ends the rate timeline at the capture's length.
    const closing = await this.collectStats();
    await post('/stats', JSON.stringify(closing));
    // Then the camera stops: the encoder finishes what it has, every frame passes the tap, and the
    // final framesEncoded (read once the stats cache has expired) counts exactly the frames tapped.
    // Reading framesEncoded while frames still flow lags the tap by a frame or two.
    // A played feed (Firefox) is paused instead of taken off the sender: Firefox 140 ESR reports no
    // outbound-rtp at all for a sender without a track (153 still did), and a paused feed sends no
    // further frame (measured: none in 1.5 s, framesEncoded equal to the tap's count).
    if (this.video) this.video.pause();
    else await this.sender.replaceTrack(null);
    await new Promise((r) => setTimeout(r, FINAL_STATS_DELAY_MS));
    const final = await this.collectStats();
    await post('/stats', JSON.stringify({ ...final, final: true }));
    await this.uploader.close();
    this.stream.getTracks().forEach((t) => t.stop());
    this.video?.pause();
    this.worker?.terminate();
    this.pc1.close();
    this.pc2.close();
    return { uploadError: this.uploader.failed };
  }
}

let current: LoopbackCapture | undefined;

const api = {
  async start(config: PageCaptureConfig): Promise<PageStartResult> {
    current = new LoopbackCapture(config);
    return current.start();
  },
  async connect(answerSdp: string): Promise<PageConnectResult> {
    if (!current) throw new Error('not started');
    return current.connect(answerSdp);
  },
  async stop(): Promise<PageStopResult> {
    if (!current) throw new Error('not started');
    return current.stop();
  },
  addViewer,
  stopViewers,
  viewerStopState,
};

(window as unknown as { simq: typeof api }).simq = api;
