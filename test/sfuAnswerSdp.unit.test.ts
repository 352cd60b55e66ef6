// The SFU's answer gets the start bitrate the loopback answer gets (SIMQ_START_BITRATE_KBPS): on every
// video media codec's fmtp line (a new one where the codec has none), not on rtx, and nothing else of
// the answer changes. The answer below is shaped like Janus's VideoRoom answer to a VP8 simulcast offer.
import { describe, expect, it } from 'vitest';
import { answerWithStartBitrate } from '../src/capture/page/sdpMunging.js';

const ANSWER = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=VideoRoom 1234',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
  'c=IN IP4 127.0.0.1',
  'b=AS:5000',
  'a=mid:0',
  'a=recvonly',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  '',
].join('\r\n');

describe('answerWithStartBitrate', () => {
  it('adds x-google-start-bitrate to VP8 (a new fmtp line), not to rtx; keeps b=AS and every other line', () => {
    const out = answerWithStartBitrate(ANSWER, 1500).split('\r\n');
    expect(out).toContain('a=fmtp:96 x-google-start-bitrate=1500');
    expect(out).toContain('a=fmtp:97 apt=96');
    expect(out.filter((l) => l.includes('x-google-start-bitrate'))).toHaveLength(1);
    expect(out.filter((l) => !l.includes('x-google-start-bitrate'))).toEqual(ANSWER.split('\r\n'));
  });
});
