// The `table` policy: which substream a viewer gets at a bandwidth, from the Janus export's
// subscriberTable (the cell for the viewer's size and the highest bandwidth column at or below the
// rate) with its hysteresis (src/recommend/layerSelection.ts): move up to a layer only when the rate
// reaches that layer's upSwitchBps, leave the current layer only when the rate falls below its
// downSwitchBps. The bodies sent to Janus are the export's `configure` bodies plus the mid.
import { InputError } from '../errors.js';
import type { JanusConfigure, JanusExport } from '../recommend/exports/janus.js';

export interface TableChoice {
  rid: string;
  configure: JanusConfigure;
}

export class TablePolicyState {
  private rows: JanusExport['subscriberTable'];
  private current: TableChoice | undefined;

  constructor(
    private readonly doc: Pick<JanusExport, 'substreams' | 'subscriberTable'>,
    readonly viewerSize: string,
    where: string,
  ) {
    this.rows = doc.subscriberTable
      .filter((r) => r.viewerSize === viewerSize)
      .sort((a, b) => a.bandwidthBps - b.bandwidthBps);
    if (this.rows.length === 0) {
      const sizes = [...new Set(doc.subscriberTable.map((r) => r.viewerSize))];
      throw new InputError(
        `${where}: the Janus export has no subscriber table for ${viewerSize} (it has ${sizes.join(', ') || 'none'})`,
        `use one of those sizes, or run simq recommend --sizes ${viewerSize} --format janus`,
      );
    }
  }

  /** The lowest layer the table ever gives this size: where a viewer starts before any rate is known. */
  initial(): TableChoice {
    const lowest = this.doc.substreams.slice().sort((a, b) => a.substream - b.substream)[0];
    const row = this.rows.find((r) => r.configure) ?? undefined;
    this.current =
      row?.configure && row.rid
        ? { rid: row.rid, configure: row.configure }
        : {
            rid: lowest.rid,
            configure: { request: 'configure', substream: lowest.substream, temporal: lowest.temporal },
          };
    return this.current;
  }

  /** The table's cell at `bps` (no hysteresis): undefined when nothing fits. */
  cell(bps: number): TableChoice | undefined {
    const row = this.rows.filter((r) => r.bandwidthBps <= bps).pop();
    return row?.configure && row.rid ? { rid: row.rid, configure: row.configure } : undefined;
  }

  /** The choice after a rate sample, with hysteresis; undefined when the viewer stays where it is. */
  next(bps: number): TableChoice | undefined {
    const current = this.current ?? this.initial();
    const target = this.cell(bps);
    const sub = (c: TableChoice) => c.configure.substream;
    const thresholds = (rid: string) => this.doc.substreams.find((s) => s.rid === rid);
    if (!target) {
      const lowest = this.initial();
      return sub(lowest) === sub(current) ? undefined : lowest;
    }
    if (sub(target) > sub(current)) {
      if (bps < (thresholds(target.rid)?.upSwitchBps ?? 0)) return undefined;
    } else if (sub(target) < sub(current)) {
      if (bps >= (thresholds(current.rid)?.downSwitchBps ?? Infinity)) return undefined;
    } else if (target.configure.temporal === current.configure.temporal) {
      return undefined;
    }
    this.current = target;
    return target;
  }
}
