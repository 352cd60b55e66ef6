// Non-trickle signalling with an SFU: the offer or answer is sent once it lists every host candidate.

/** Resolves once ICE gathering is complete (the local description then lists every candidate). */
export function gathered(pc: RTCPeerConnection, timeoutMs = 5000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      if (pc.iceGatheringState !== 'complete') return;
      pc.removeEventListener('icegatheringstatechange', done);
      resolve();
    };
    pc.addEventListener('icegatheringstatechange', done);
    // Host candidates come within milliseconds; without STUN nothing else is waited for.
    window.setTimeout(resolve, timeoutMs);
  });
}
