/* global performance */
// Sends UDP datagrams at a fixed rate for a while (run inside a namespace by the link tests):
//   node udpBlaster.mjs <dst> <port> <payload kbps> <duration ms> <payload bytes>
// Prints {"sent": packets} when done. Paced in 5 ms ticks, so the rate is even at the qdisc.
import dgram from 'node:dgram';

const [dst, port, kbps, durationMs, bytes] = process.argv.slice(2);
const socket = dgram.createSocket('udp4');
const payload = Buffer.alloc(Number(bytes), 0x5a);
const perMs = (Number(kbps) * 1000) / 8 / Number(bytes) / 1000;
const start = performance.now();
let sent = 0;
const tick = () => {
  const elapsed = performance.now() - start;
  if (elapsed >= Number(durationMs)) {
    socket.close();
    process.stdout.write(JSON.stringify({ sent }) + '\n');
    return;
  }
  const due = Math.floor(elapsed * perMs);
  while (sent < due) {
    socket.send(payload, Number(port), dst);
    sent++;
  }
  setTimeout(tick, 5);
};
tick();
