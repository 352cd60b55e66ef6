// The rid-as-mid loopback with a real Firefox offer and pc2's real answer (firefox-esr 153, captured
// once by driving Firefox: test/fixtures/firefox/README.md). Firefox marks header extensions with a
// direction; RFC 8285 section 7 has the answer state the opposite one, and Firefox only writes the
// rid on its packets (and so only encodes more than the lowest layer) when the extension was
// negotiated for sending.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  answerExtmapDirection,
  answerMidsToRids,
  offerRidsToMids,
  simulcastRids,
  splitSdp,
} from '../src/capture/page/sdpMunging.js';

const dir = new URL('./fixtures/firefox/', import.meta.url);
const offer = readFileSync(new URL('vp8-3rids.offer.sdp', dir), 'utf8');
const answer = readFileSync(new URL('vp8-3rids.answer.sdp', dir), 'utf8');

const RID_URI = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';
const extmaps = (sdp: string) =>
  splitSdp(sdp)
    .media.flat()
    .filter((l) => l.startsWith('a=extmap:'));

describe("Firefox's offer through the rid-as-mid rewrite", () => {
  it('is a real Firefox offer: simulcast q;h;f and directional extmap lines', () => {
    expect(offer).toMatch(/o=mozilla/);
    expect(simulcastRids(offer)).toEqual(['q', 'h', 'f']);
    expect(extmaps(offer).some((l) => /^a=extmap:\d+\/sendonly .*rtp-stream-id$/.test(l))).toBe(true);
  });

  it('splits the offer into one m-section per rid that Firefox itself answered (the fixture)', () => {
    const munged = splitSdp(offerRidsToMids(offer));
    expect(munged.media.map((m) => m.find((l) => l.startsWith('a=mid:')))).toEqual(['a=mid:q', 'a=mid:h', 'a=mid:f']);
    expect(splitSdp(answer).media).toHaveLength(3);
  });

  it('answers every directional extension with the opposite direction, rtp-stream-id included', () => {
    const folded = answerMidsToRids(answer, offer);
    const offered = extmaps(offer);
    const answered = extmaps(folded);
    expect(answered).toHaveLength(offered.length);
    offered.forEach((line, i) => {
      const id = /^a=extmap:(\d+)/.exec(line)![1];
      const uri = line.split(' ')[1];
      const dir = /^a=extmap:\d+\/(\w+)/.exec(line)?.[1];
      const expected = dir === 'sendonly' ? '/recvonly' : dir === 'recvonly' ? '/sendonly' : dir ? `/${dir}` : '';
      expect(answered[i]).toBe(`a=extmap:${id}${expected} ${uri}`);
    });
    expect(answered.some((l) => /\/recvonly .*rtp-stream-id$/.test(l) && l.endsWith(RID_URI))).toBe(true);
    expect(folded).toMatch(/a=simulcast:recv q;h;f/);
  });

  it("leaves Chromium's direction-less extmap lines as they were", () => {
    expect(answerExtmapDirection(`a=extmap:4 ${RID_URI}`)).toBe(`a=extmap:4 ${RID_URI}`);
    expect(answerExtmapDirection(`a=extmap:9/sendrecv ${RID_URI}`)).toBe(`a=extmap:9/sendrecv ${RID_URI}`);
  });
});
