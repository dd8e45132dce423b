/**
 * What a run of `deno task bench:latency` cost and whether the processor kept up: CPU seconds
 * of each process on the machine's two cores (the processor instances, the Kafka JVM, the bench
 * itself: feeder and watcher), and the processor's lag sampled from its `/status` while the
 * readings are sent.
 *
 * @module
 */

/** CPU seconds (user + system) of process `pid` so far (Linux `/proc`), or 0 elsewhere. */
export async function cpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
  } catch {
    return 0;
  }
}

/**
 * The process listening on TCP `port` of the loopback interface (found through the socket's
 * inode in `/proc/net/tcp` and the processes' descriptors), or `undefined` when not found: the
 * Kafka the bench started, whose pid its helper does not expose.
 */
export function pidListeningOn(port: number): number | undefined {
  try {
    const hex = port.toString(16).toUpperCase().padStart(4, "0");
    const inodes = new Set<string>();
    for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      for (const line of Deno.readTextFileSync(file).split("\n").slice(1)) {
        const f = line.trim().split(/\s+/);
        // local_address is f[1] (ADDR:PORT), st is f[3] (0A = LISTEN), inode is f[9].
        if (f.length > 9 && f[1].endsWith(`:${hex}`) && f[3] === "0A") inodes.add(f[9]);
      }
    }
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      try {
        for (const fd of Deno.readDirSync(`/proc/${entry.name}/fd`)) {
          const link = Deno.readLinkSync(`/proc/${entry.name}/fd/${fd.name}`);
          const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
          if (inode !== undefined && inodes.has(inode)) return Number(entry.name);
        }
      } catch {
        // Another user's process, or one that exited meanwhile.
      }
    }
  } catch {
    // No /proc.
  }
  return undefined;
}

/** The processor's lag at one moment: records behind per job, summed over its tasks. */
export interface LagSample {
  /** Seconds since the input started. */
  readonly atS: number;
  /** readings-by-device's lag on the raw readings. */
  readonly byDevice: number;
  /** overheating's lag on the by-device topic. */
  readonly overheating: number;
}

interface JobLag {
  job: string;
  tasks: { lag: number | null }[];
}

/** Sums the lag per job over the instances' status URLs; `NaN` when one did not answer. */
export async function sampleLag(urls: readonly string[], atS: number): Promise<LagSample> {
  const lag = { "readings-by-device": 0, overheating: 0 } as Record<string, number>;
  for (const url of urls) {
    try {
      const { jobs } = await (await fetch(url)).json() as { jobs: JobLag[] };
      for (const j of jobs) {
        lag[j.job] = (lag[j.job] ?? 0) + j.tasks.reduce((n, t) => n + (t.lag ?? NaN), 0);
      }
    } catch {
      return { atS, byDevice: NaN, overheating: NaN };
    }
  }
  return { atS, byDevice: lag["readings-by-device"], overheating: lag.overheating };
}

/** CPU use and lag of one run. */
export interface RunLoad {
  /** Seconds the readings were sent. */
  readonly seconds: number;
  /** CPU seconds of all processor instances while the readings were sent. */
  readonly processorCpuSeconds: number;
  /** Per instance, its CPU seconds. */
  readonly instanceCpuSeconds: readonly number[];
  /** CPU seconds of the broker process (`NaN` when not found). */
  readonly brokerCpuSeconds: number;
  /** CPU seconds of this bench process: the feeding producer and the watching consumer. */
  readonly benchCpuSeconds: number;
  /** Lag samples while the readings were sent. */
  readonly lag: readonly LagSample[];
  /** The 1-minute load average at the end of the input. */
  readonly loadAverage: number;
}

/** The 1-minute load average (Linux), or `NaN`. */
export async function loadAverage(): Promise<number> {
  try {
    return Number((await Deno.readTextFile("/proc/loadavg")).split(" ")[0]);
  } catch {
    return NaN;
  }
}

/** A child process whose stderr is kept (its tail) for its status URL and for errors. */
export interface LoggedChild {
  readonly child: Deno.ChildProcess;
  /** The tail of its stderr. */
  log(): string;
  /** Settles when its stderr ends. */
  readonly logged: Promise<void>;
}

/** Runs `deno <args>` with stdout discarded and the tail of stderr kept. */
export function spawnLogged(args: readonly string[]): LoggedChild {
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args],
    stdout: "null",
    stderr: "piped",
  })
    .spawn();
  let log = "";
  const logged = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      log = (log + chunk).slice(-20_000);
    }
  })();
  return { child, log: () => log, logged };
}

/** The status URL a processor logged, if it did yet. */
export function statusUrl(log: string): string | undefined {
  return /"status":"(http:\/\/[^"]+\/status)"/.exec(log)?.[1];
}
