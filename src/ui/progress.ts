// Progress on stderr: a redrawn bar on a TTY, plain lines otherwise (CI logs), nothing with --quiet.
// stdout stays free for --json. Control characters in the messages (a clip name's ESC or bidi
// override) are shown escaped (printable.ts).
import { printable } from './printable.js';

export interface Progress {
  /** A one-off line (e.g. "scenario 2/5 all-layers.vp8"). */
  info(message: string): void;
  /** Progress within a step: done of total units, with a short label and an optional detail
   *  (e.g. "about 3 min left"). */
  update(label: string, done: number, total: number, detail?: string): void;
  /** Ends the current bar line. */
  done(): void;
  warn(message: string): void;
}

export function createProgress(options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const out = options.stream ?? process.stderr;
  const stream = {
    isTTY: out.isTTY,
    get columns() {
      return out.columns;
    },
    write: (text: string) => out.write(text.startsWith('\r') ? `\r${printable(text.slice(1))}` : printable(text)),
  };
  const tty = Boolean(stream.isTTY);
  let barOpen = false;
  let lastPlain = '';
  const closeBar = () => {
    if (barOpen) {
      stream.write('\n');
      barOpen = false;
    }
  };
  return {
    info(message) {
      if (options.quiet) return;
      closeBar();
      stream.write(`${message}\n`);
    },
    warn(message) {
      closeBar();
      stream.write(`warning: ${message}\n`);
    },
    update(label, done, total, detail) {
      if (options.quiet) return;
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      if (tty) {
        const width = 24;
        const filled = Math.round(fraction * width);
        const text = `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${label} ${done}/${total}${detail ? `, ${detail}` : ''}`;
        stream.write(text.padEnd((stream.columns ?? 80) - 1).slice(0, (stream.columns ?? 80) - 1));
        barOpen = true;
      } else {
        // Quiet lines: one per label change, per quarter when there is a detail (a time left), and at
        // completion; not one per tick.
        const key = `${label}:${done >= total}:${detail ? Math.floor(fraction * 4) : ''}`;
        if (key !== lastPlain) {
          stream.write(`${label} ${done}/${total}${detail && done < total ? `, ${detail}` : ''}\n`);
          lastPlain = key;
        }
      }
    },
    done() {
      closeBar();
    },
  };
}
