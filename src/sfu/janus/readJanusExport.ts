// --janus-export FILE: the `simq recommend --format janus` document the SFU run uses as it is. The
// sender publishes publisher.sendEncodings (in the file's order, with publisher.ridOrder), and table
// viewers send the subscriberTable's configure bodies at the substreams' thresholds, so a live run
// that passes proves the export (issue 21 item 4).
import path from 'node:path';
import { InputError } from '../../errors.js';
import { readInputFile } from '../../io/readInputFile.js';
import type { JanusExport } from '../../recommend/exports/janus.js';
import { ScenarioChecker, validateEncodings } from '../../scenario/loadScenarios.js';
import type { ScenarioDefinition } from '../../scenario/ScenarioTypes.js';

export interface LoadedJanusExport {
  file: string;
  doc: JanusExport;
  /** The sender's scenario: the export's publisher.sendEncodings. */
  definition: ScenarioDefinition;
}

const FIX = 'simq recommend RUN --format janus --out janus.json writes one';

export function readJanusExport(file: string): LoadedJanusExport {
  const abs = path.resolve(file);
  let doc: JanusExport;
  try {
    doc = JSON.parse(readInputFile(abs, 1 << 20, 'Janus export')) as JanusExport;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`--janus-export ${abs}: not valid JSON (${(e as Error).message})`, FIX);
  }
  const where = `--janus-export ${abs}`;
  if (!doc || typeof doc !== 'object' || !doc.publisher || !Array.isArray(doc.publisher.sendEncodings))
    throw new InputError(`${where}: no publisher.sendEncodings (is it a --format janus file?)`, FIX);
  // An SVC sender's export (janusSvc.ts) has spatialLayers instead of substreams: its table viewer is
  // not built; its configure bodies are run with fixed viewers (--viewers SIZE:fixed:S<n>T<t>).
  if (Array.isArray((doc as { spatialLayers?: unknown }).spatialLayers)) {
    throw new InputError(
      `${where}: an SVC export (spatial_layer / temporal_layer); --janus-export runs simulcast exports only`,
      'capture the SVC scenario with fixed viewers instead, e.g. --sfu janus --scenario svc-l3t3-key --viewers 320x180:svc:S0T2,1280x720:svc:S2T2',
    );
  }
  if (!Array.isArray(doc.substreams) || !Array.isArray(doc.subscriberTable))
    throw new InputError(`${where}: no substreams / subscriberTable (is it a --format janus file?)`, FIX);
  const c = new ScenarioChecker(abs);
  const encodings = validateEncodings(c, doc.publisher.sendEncodings as never, 'publisher.sendEncodings');
  for (const [i, row] of doc.subscriberTable.entries()) {
    if (row.configure && (row.configure.request !== 'configure' || !Number.isInteger(row.configure.substream)))
      throw new InputError(`${where}: subscriberTable[${i}].configure is not a VideoRoom configure body`, FIX);
  }
  return {
    file: abs,
    doc,
    definition: { name: 'janus-export', description: `publisher.sendEncodings of ${abs}`, encodings },
  };
}
