// Firefox's encoded-frame tap: an RTCRtpScriptTransform runs this worker on pc1's sender; every
// encoded frame is copied to the page (which uploads it) and passed on unchanged. Firefox has no
// createEncodedStreams (Chromium's tap), and its frame metadata has no rid: the page maps the SSRC.

interface TapFrame {
  type: string;
  timestamp: number;
  data: ArrayBuffer;
  getMetadata(): Record<string, unknown>;
}
interface TransformEvent {
  transformer: { readable: ReadableStream<TapFrame>; writable: WritableStream<TapFrame> };
}

const scope = self as unknown as {
  onrtctransform: ((e: TransformEvent) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
};

scope.onrtctransform = (event: TransformEvent) => {
  const { readable, writable } = event.transformer;
  const transform = new TransformStream<TapFrame, TapFrame>({
    transform: (frame, controller) => {
      const copy = frame.data.slice(0);
      scope.postMessage({ type: frame.type, timestamp: frame.timestamp, meta: frame.getMetadata(), data: copy }, [
        copy,
      ]);
      controller.enqueue(frame);
    },
  });
  void readable.pipeThrough(transform).pipeTo(writable);
};
