/* global AbortController, setInterval, clearInterval */
// A simq-like process for the link tests: opens a NetSandbox, shapes one host's uplink with loss
// (a root-namespace nft table), prints what it made, and holds it until a signal.
//   node linkHold.mjs <LINK>           SIGINT/SIGTERM -> close() -> exit 130/143
// Uses the built dist/ (test/globalSetup.ts builds it).
import { NetSandbox } from '../../dist/link/NetSandbox.js';
import { LinkShaper } from '../../dist/link/LinkShaper.js';
import { parseLinkSpec } from '../../dist/link/parseLinkSpec.js';
import { abortOnSignals, stopSignal } from '../../dist/signals.js';
import { SIGNAL_EXIT_CODES, SimqError } from '../../dist/errors.js';

const controller = new AbortController();
abortOnSignals(controller);
let sandbox;
try {
  sandbox = await NetSandbox.open('link-hold');
  const host = await sandbox.addHost('sender');
  const link = await new LinkShaper(sandbox).shape(
    host,
    'uplink',
    parseLinkSpec(process.argv[2] ?? '600k,loss=2%', 'argv'),
  );
  process.stdout.write(JSON.stringify({ nsName: host.nsName, rootIfname: host.rootIfname, table: link.table }) + '\n');
  const keepAlive = setInterval(() => undefined, 1000);
  await new Promise((resolve) => controller.signal.addEventListener('abort', resolve, { once: true }));
  clearInterval(keepAlive);
  await sandbox.close();
  process.exit(SIGNAL_EXIT_CODES[stopSignal(controller.signal)]);
} catch (e) {
  await sandbox?.close();
  process.stderr.write(`${e.message}\n${e instanceof SimqError && e.fix ? `fix: ${e.fix}\n` : ''}`);
  process.exit(e instanceof SimqError ? e.exitCode : 1);
}
