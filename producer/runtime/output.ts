/**
 * Operator output: a live progress line and a final summary on a terminal; quiet JSON lines
 * (one object per line) otherwise.
 *
 * @module
 */

/** A snapshot of the run, for progress lines and the summary. */
export interface Progress {
  /** Records handed to Kafka. */
  sent: number;
  /** Records the broker acknowledged. */
  acked: number;
  /** Records in failed batches. */
  failed: number;
  /** Records per second since the start. */
  rate: number;
  /** Devices (or vehicles/sensors) currently shut down by a command. */
  stopped: number;
  /** The simulated clock, canonical timestamp. */
  simTime: string;
  /** Wall seconds since the start. */
  seconds: number;
}

/** Where a run reports to. */
export interface Reporter {
  /** Reports progress; called often, it decides itself how often to print. */
  progress(progress: Progress, nowMs: number): void;
  /** Reports a notable event (start, command status, invalid command, error). */
  event(name: string, fields: Record<string, unknown>): void;
  /** Reports the final summary. */
  summary(progress: Progress, extra: Record<string, unknown>): void;
}

/** Options for {@linkcode createReporter}. */
export interface ReporterOptions {
  /** Whether the output is a terminal: a live line instead of JSON lines. */
  tty: boolean;
  /** Writes text (to stderr for a terminal, stdout otherwise, as the caller decides). */
  write: (text: string) => void;
  /** Milliseconds between JSON progress lines when not a terminal. Default 10 000. */
  logIntervalMs?: number;
}

const fmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Renders the live progress line (without control characters). */
export function progressLine(p: Progress): string {
  return `sent ${fmt.format(p.sent)}  acked ${fmt.format(p.acked)}  ${fmt.format(p.rate)} msg/s  ` +
    `errors ${fmt.format(p.failed)}  shut down ${p.stopped}  sim ${p.simTime}`;
}

/** A reporter for a terminal or for log collection, per `options.tty`. */
export function createReporter(options: ReporterOptions): Reporter {
  return options.tty ? ttyReporter(options.write) : jsonReporter(options);
}

/** A reporter that prints nothing, for tests and library use. */
export const silentReporter: Reporter = {
  progress() {},
  event() {},
  summary() {},
};

function ttyReporter(write: (text: string) => void): Reporter {
  let lastMs = -Infinity;
  let live = false;
  const clear = () => {
    if (live) write("\r\x1b[2K");
    live = false;
  };
  return {
    progress(p, nowMs) {
      if (nowMs - lastMs < 250) return;
      lastMs = nowMs;
      write(`\r\x1b[2K${progressLine(p)}`);
      live = true;
    },
    event(name, fields) {
      clear();
      // A `detail` is a sentence for people: `pacing: real time, ...`; other fields are k=v.
      const { detail, ...rest } = fields;
      const head = typeof detail === "string" ? `${name}: ${detail}` : name;
      const tail = Object.entries(typeof detail === "string" ? rest : fields)
        .map(([k, v]) => ` ${k}=${formatValue(v)}`).join("");
      write(`${head}${tail}\n`);
    },
    summary(p, extra) {
      clear();
      write(`done: ${progressLine(p)}  in ${p.seconds.toFixed(1)} s\n`);
      for (const [k, v] of Object.entries(extra)) write(`  ${k}: ${formatValue(v)}\n`);
    },
  };
}

function formatValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function jsonReporter(options: ReporterOptions): Reporter {
  const interval = options.logIntervalMs ?? 10_000;
  let lastMs = Number.NaN;
  const line = (fields: Record<string, unknown>) =>
    options.write(JSON.stringify({ time: new Date().toISOString(), ...fields }) + "\n");
  return {
    progress(p, nowMs) {
      if (Number.isNaN(lastMs)) lastMs = nowMs;
      if (nowMs - lastMs < interval) return;
      lastMs = nowMs;
      line({ level: "info", msg: "progress", ...p });
    },
    event(name, fields) {
      const level = name.includes("error") || name.includes("invalid") ? "warn" : "info";
      line({ level, msg: name, ...fields });
    },
    summary(p, extra) {
      line({ level: "info", msg: "summary", ...p, ...extra });
    },
  };
}
