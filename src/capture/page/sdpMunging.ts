// SDP rewriting for single-page simulcast loopback ("rid as mid").
//
// Chrome sends simulcast (one m-section, a=simulcast:send q;h;f, one a=rid per layer) but will not
// receive it. To get real simulcast with transport-cc feedback between two RTCPeerConnections in one
// page, the offer is split into one m-section per rid whose a=mid is the rid, and the rtp-stream-id
// header extension id is declared as the sdes:mid extension on the receiving side: the wire format
// of both extensions is the same string, so each layer's packets are routed to "its" m-section.
// The answer is folded back into one m-section with a=simulcast:recv. The technique is the one of
// fippo's simulcast-playground (github.com/fippo/simulcast-playground); this code is our own.
//
// Pure string functions, no DOM: compiled for the page and imported by the Node tests.

const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const RID_URI = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';
const REPAIRED_RID_URI = 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id';

export interface SdpSections {
  session: string[];
  media: string[][];
}

export function splitSdp(sdp: string): SdpSections {
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  const session: string[] = [];
  const media: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) media.push([line]);
    else if (media.length === 0) session.push(line);
    else media[media.length - 1].push(line);
  }
  return { session, media };
}

export function joinSdp(sections: SdpSections): string {
  return [...sections.session, ...sections.media.flat()].join('\r\n') + '\r\n';
}

function attr(section: string[], name: string): string | undefined {
  const prefix = `a=${name}:`;
  const line = section.find((l) => l.startsWith(prefix));
  return line?.slice(prefix.length);
}

function findVideoSection(sections: SdpSections): number {
  const index = sections.media.findIndex((m) => m[0].startsWith('m=video'));
  if (index < 0) throw new Error('SDP has no video m-section');
  return index;
}

/** Payload types that are retransmission (apt=), RED or FEC: dropped, pc2 could not map repaired-rid. */
function auxiliaryPayloadTypes(section: string[]): Set<string> {
  const aux = new Set<string>();
  for (const line of section) {
    const rtpmap = /^a=rtpmap:(\d+) ([^/]+)\//.exec(line);
    if (rtpmap && /^(rtx|red|ulpfec|flexfec-03)$/i.test(rtpmap[2])) aux.add(rtpmap[1]);
  }
  return aux;
}

function payloadTypeOf(line: string): string | undefined {
  const m = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)/.exec(line);
  return m?.[1];
}

/** The rids of the offer's simulcast line, in order. */
export function simulcastRids(sdp: string): string[] {
  const sections = splitSdp(sdp);
  const video = sections.media[findVideoSection(sections)];
  const simulcast = attr(video, 'simulcast');
  if (!simulcast) throw new Error('offer has no a=simulcast line');
  const m = /^send (.+)$/.exec(simulcast.trim());
  if (!m) throw new Error(`unexpected a=simulcast:${simulcast}`);
  return m[1].split(';').map((r) => r.replace(/^~/, ''));
}

/** pc1's offer (one m-section with simulcast) -> pc2's remote description (one m-section per rid). */
export function offerRidsToMids(sdp: string): string {
  const sections = splitSdp(sdp);
  const videoIndex = findVideoSection(sections);
  const video = sections.media[videoIndex];
  const rids = simulcastRids(sdp);
  const aux = auxiliaryPayloadTypes(video);

  const ridExt = video.find((l) => l.startsWith('a=extmap:') && l.endsWith(RID_URI));
  if (!ridExt) throw new Error('offer has no rtp-stream-id header extension');
  const ridExtId = /^a=extmap:(\d+)/.exec(ridExt)![1];

  const [mLine] = video;
  const mParts = mLine.split(' ');
  const keptPts = mParts.slice(3).filter((pt) => !aux.has(pt));
  const newMLine = [...mParts.slice(0, 3), ...keptPts].join(' ');

  const body: string[] = [];
  for (const line of video.slice(1)) {
    if (line.startsWith('a=mid:') || line.startsWith('a=rid:') || line.startsWith('a=simulcast:')) continue;
    if (line.startsWith('a=ssrc') || line.startsWith('a=msid:')) continue;
    if (line.startsWith('a=sendrecv') || line.startsWith('a=sendonly')) continue;
    if (line.startsWith('a=extmap:')) {
      if (line.endsWith(MID_URI) || line.endsWith(REPAIRED_RID_URI)) continue;
      if (line === ridExt) {
        body.push(`a=extmap:${ridExtId} ${MID_URI}`);
        continue;
      }
    }
    const pt = payloadTypeOf(line);
    if (pt !== undefined && aux.has(pt)) continue;
    body.push(line);
  }

  const newVideoSections = rids.map((rid) => [newMLine, `a=mid:${rid}`, 'a=sendonly', ...body]);
  const session = sections.session.map((l) =>
    l.startsWith('a=group:BUNDLE') ? `a=group:BUNDLE ${rids.join(' ')}` : l,
  );
  if (!session.some((l) => l.startsWith('a=group:BUNDLE'))) session.push(`a=group:BUNDLE ${rids.join(' ')}`);
  const media = [...sections.media.slice(0, videoIndex), ...newVideoSections, ...sections.media.slice(videoIndex + 1)];
  return joinSdp({ session, media });
}

export interface AnswerOptions {
  /** Total send-side cap in bits per second, written as b=AS (kbps) and b=TIAS (bps). */
  maxBitrateBps?: number;
  /** Where the send side's bandwidth estimate starts (kbps), as `x-google-start-bitrate` on each video codec. */
  startBitrateKbps?: number;
}

const NOT_MEDIA_CODECS = /^(rtx|red|ulpfec|flexfec-03)$/i;

/** Adds x-google-start-bitrate to every media codec's fmtp line (a new line where the codec has none). */
function withStartBitrate(body: string[], kbps: number): string[] {
  const out: string[] = [];
  const param = `x-google-start-bitrate=${Math.round(kbps)}`;
  for (const line of body) {
    const fmtp = /^a=fmtp:(\d+) /.exec(line);
    out.push(fmtp && isMediaCodec(body, fmtp[1]) ? `${line};${param}` : line);
    const rtpmap = /^a=rtpmap:(\d+) /.exec(line);
    if (rtpmap && isMediaCodec(body, rtpmap[1]) && !body.some((l) => l.startsWith(`a=fmtp:${rtpmap[1]} `)))
      out.push(`a=fmtp:${rtpmap[1]} ${param}`);
  }
  return out;
}

function isMediaCodec(body: string[], pt: string): boolean {
  const rtpmap = body.find((l) => l.startsWith(`a=rtpmap:${pt} `));
  const name = rtpmap?.split(' ')[1]?.split('/')[0] ?? '';
  return name !== '' && !NOT_MEDIA_CODECS.test(name);
}

/** pc2's answer (one m-section per rid) -> pc1's remote description (one m-section with simulcast recv). */
export function answerMidsToRids(answerSdp: string, offerSdp: string, options: AnswerOptions = {}): string {
  const answer = splitSdp(answerSdp);
  const offer = splitSdp(offerSdp);
  const offerVideo = offer.media[findVideoSection(offer)];
  const originalMid = attr(offerVideo, 'mid');
  if (originalMid === undefined) throw new Error('offer video section has no a=mid');
  const rids = simulcastRids(offerSdp);

  const first = answer.media[findVideoSection(answer)];
  const body: string[] = [];
  for (const line of first.slice(1)) {
    if (line.startsWith('a=mid:') || line.startsWith('a=extmap:')) continue;
    if (line.startsWith('b=')) continue;
    if (line.startsWith('a=recvonly') || line.startsWith('a=sendrecv') || line.startsWith('a=inactive')) continue;
    if (line.startsWith('a=ssrc') || line.startsWith('a=msid:')) continue;
    body.push(line);
  }
  const bandwidth: string[] = [];
  if (options.maxBitrateBps !== undefined) {
    // b=AS is kbps (RFC 4566), b=TIAS bps without IP/UDP overhead (RFC 3890); Chrome reads both and
    // takes the smaller as the send-side cap for the whole m-section, i.e. the sum of all layers.
    bandwidth.push(`b=AS:${Math.round(options.maxBitrateBps / 1000)}`, `b=TIAS:${Math.round(options.maxBitrateBps)}`);
  }
  // c= must precede b= within a media section (RFC 4566 field order).
  const cIndex = body.findIndex((l) => l.startsWith('c='));
  body.splice(cIndex + 1, 0, ...bandwidth);
  // Firefox's offer gives extmap lines a direction (a=extmap:9/sendonly ...rtp-stream-id): the
  // answer must carry the opposite one, or pc1 treats the extension as not negotiated for sending,
  // never writes the rid, and only the lowest layer is encoded. Chromium's offer has no directions.
  const offeredExtmaps = offerVideo.filter((l) => l.startsWith('a=extmap:')).map(answerExtmapDirection);
  const video = [
    first[0],
    ...(options.startBitrateKbps === undefined ? body : withStartBitrate(body, options.startBitrateKbps)),
    `a=mid:${originalMid}`,
    'a=recvonly',
    ...offeredExtmaps,
    ...rids.map((rid) => `a=rid:${rid} recv`),
    `a=simulcast:recv ${rids.join(';')}`,
  ];
  const session = answer.session.map((l) => (l.startsWith('a=group:BUNDLE') ? `a=group:BUNDLE ${originalMid}` : l));
  return joinSdp({ session, media: [video] });
}

/**
 * pc2's answer for a plain (one encoding, no rid) send: unchanged but for the cap (b=AS, b=TIAS after
 * the video section's c= line) and the start bitrate, as answerMidsToRids writes them.
 */
export function answerWithCaps(answerSdp: string, options: AnswerOptions = {}): string {
  const sections = splitSdp(answerSdp);
  const index = findVideoSection(sections);
  let body = sections.media[index].slice(1).filter((l) => !l.startsWith('b='));
  if (options.maxBitrateBps !== undefined) {
    const cIndex = body.findIndex((l) => l.startsWith('c='));
    body.splice(
      cIndex + 1,
      0,
      `b=AS:${Math.round(options.maxBitrateBps / 1000)}`,
      `b=TIAS:${Math.round(options.maxBitrateBps)}`,
    );
  }
  if (options.startBitrateKbps !== undefined) body = withStartBitrate(body, options.startBitrateKbps);
  const media = sections.media.map((m, i) => (i === index ? [m[0], ...body] : m));
  return joinSdp({ session: sections.session, media });
}

/**
 * The SFU's answer with x-google-start-bitrate on its video codecs (SIMQ_START_BITRATE_KBPS): where
 * the sender's bandwidth estimate starts, as answerWithCaps writes it for pc2's answer. Everything
 * else of the SFU's answer is kept, its b= lines included.
 */
export function answerWithStartBitrate(answerSdp: string, kbps: number): string {
  const sections = splitSdp(answerSdp);
  const index = findVideoSection(sections);
  const media = sections.media.map((m, i) => (i === index ? [m[0], ...withStartBitrate(m.slice(1), kbps)] : m));
  return joinSdp({ session: sections.session, media });
}

/** An offered extmap line as the answer must state it: /sendonly and /recvonly swapped (RFC 8285 section 7). */
export function answerExtmapDirection(line: string): string {
  return line.replace(
    /^(a=extmap:\d+)\/(sendonly|recvonly)\b/,
    (_, head: string, dir: string) => `${head}/${dir === 'sendonly' ? 'recvonly' : 'sendonly'}`,
  );
}

/**
 * An SFU's answer with the scenario's send-side cap on its video section (SFU mode): the same b=AS /
 * b=TIAS pair answerMidsToRids writes for the loopback, replacing any b= the SFU wrote.
 */
export function withVideoBandwidth(answerSdp: string, maxBitrateBps: number): string {
  const sdp = splitSdp(answerSdp);
  const i = findVideoSection(sdp);
  const body = sdp.media[i].filter((l) => !l.startsWith('b='));
  const cIndex = body.findIndex((l) => l.startsWith('c='));
  body.splice(cIndex + 1, 0, `b=AS:${Math.round(maxBitrateBps / 1000)}`, `b=TIAS:${Math.round(maxBitrateBps)}`);
  sdp.media[i] = body;
  return joinSdp(sdp);
}
