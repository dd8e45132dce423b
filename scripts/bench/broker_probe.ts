/**
 * Measurements for the broker benchmark that are not throughput: process RSS, start-up time to
 * the first answered request, and produce latency percentiles.
 *
 * @module
 */
import { Producer } from "@iot/kafka";
import { protocol } from "@iot/broker";

/** Resident and peak resident memory of a process in MiB, from /proc/<pid>/status. */
export async function rssMiB(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kib = (field: string) => Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
  return { rss: kib("VmRSS") / 1024, peak: kib("VmHWM") / 1024 };
}

/** The pid of the process listening on 127.0.0.1:`port` (via `ss -ltnp`). */
export async function listenerPid(port: number): Promise<number> {
  const out = await new Deno.Command("ss", { args: ["-ltnpH", `sport = :${port}`] }).output();
  const pid = new TextDecoder().decode(out.stdout).match(/pid=(\d+)/)?.[1];
  if (!pid) throw new Error(`no process found listening on port ${port}`);
  return Number(pid);
}

/** Sends ApiVersions v0 to `bootstrap` and resolves once it is answered. */
export async function firstRequest(bootstrap: string): Promise<void> {
  const [hostname, port] = bootstrap.split(":");
  using conn = await Deno.connect({ hostname, port: Number(port) });
  const frame = protocol.concatChunks(protocol.encodeRequest(
    { apiKey: protocol.ApiKey.ApiVersions, apiVersion: 0, correlationId: 1, clientId: "probe" },
    {},
  ));
  await conn.write(frame);
  const buf = new Uint8Array(4096);
  let got = 0;
  while (got < 4) {
    const n = await conn.read(buf.subarray(got));
    if (n === null) throw new Error("connection closed before the ApiVersions response");
    got += n;
  }
}

/**
 * Produce latency: `rounds` sequential `sendBatch` calls of `size` 100-byte records with
 * acks=all and linger.ms=0; returns p50 and p99 in ms.
 */
export async function produceLatency(
  bootstrap: string,
  topic: string,
  rounds = 300,
  size = 10,
): Promise<{ p50: number; p99: number }> {
  await using producer = new Producer({
    config: { "bootstrap.servers": bootstrap, "acks": "all", "linger.ms": "0" },
  });
  const value = new Uint8Array(100).fill(0x79);
  const batch = Array.from({ length: size }, () => ({ topic, value }));
  await producer.sendBatch(batch); // warm-up: metadata, connection, topic creation
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await producer.sendBatch(batch);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { p50: at(0.5), p99: at(0.99) };
}
