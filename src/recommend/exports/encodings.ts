// --format encodings: the recommended RTCRtpEncodingParameters[] for the sender.
// Keys are the WebRTC spec's (https://w3c.github.io/webrtc-pc/#dom-rtcrtpencodingparameters: rid,
// active, maxBitrate, maxFramerate, scaleResolutionDownBy; scalabilityMode from
// https://w3c.github.io/webrtc-svc/#dom-rtcrtpencodingparameters-scalabilitymode).
//
// JSON cannot hold a comment, and an array cannot hold provenance without becoming something other
// than an encodings list. So the document is an RTCRtpTransceiverInit-shaped object:
//   { "sendEncodings": [...], "simq": { provenance } }
// It works as-is as the second argument of pc.addTransceiver(track, init): WebIDL dictionary
// conversion reads only the members it knows, so "simq" is ignored. For mediasoup-client, pass
// `encodings: doc.sendEncodings` to transport.produce().
import type { RtpEncodingParameters } from '../../scenario/ScenarioTypes.js';
import { exportProvenance, requireSender, type ExportContext, type ExportProvenance } from './exportContext.js';

export interface EncodingsExport {
  sendEncodings: RtpEncodingParameters[];
  simq: ExportProvenance & { usage: string };
}

export function encodingsExport(ctx: ExportContext): EncodingsExport {
  const sendEncodings = requireSender(ctx, 'encodings').map((e) => ({ ...e }));
  return {
    sendEncodings,
    simq: {
      ...exportProvenance(ctx),
      usage:
        'pc.addTransceiver(track, thisDocument) or mediasoup-client transport.produce({ track, encodings: thisDocument.sendEncodings })',
    },
  };
}

export function renderEncodings(ctx: ExportContext): string {
  return JSON.stringify(encodingsExport(ctx), null, 2) + '\n';
}
