/**
 * The SSE part of `deno task bench:api`: N clients follow `/streams/alerts` while alerts are
 * written to the store as the sink writes them; delivery latency from the write to receipt.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { ingestSequenceColumn, sqliteLayout as L } from "@iot/events";
import { waitFor } from "@iot/testing";

const log = (msg: string) => console.error(`bench:api: ${msg}`);
const device = (i: number) => `d-${String(i).padStart(4, "0")}`;

/** Opens `clients` streams, writes alerts, and measures write-to-receipt latency. */
export async function sseBench(
  base: string,
  path: string,
  clients: number,
): Promise<{ clients: number; samples: number; p50Ms: number; p99Ms: number }> {
  const ALERTS = 20;
  const latencies: number[] = [];
  let ready = 0;
  // Raw HTTP/1.1 over TCP: fetch's connection pool stalls past a few hundred open streams.
  const { hostname, port } = new URL(base);
  const conns: Deno.TcpConn[] = [];
  const readers = Array.from({ length: clients }, async () => {
    const conn = await Deno.connect({ hostname, port: Number(port) });
    conns.push(conn);
    await conn.write(
      new TextEncoder().encode(`GET /streams/alerts HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`),
    );
    const reader = conn.readable.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes("event: ready")) ready++;
          const data = /^data: (.*)$/m.exec(block);
          if (block.includes("event: alert") && data) {
            latencies.push(Date.now() - Date.parse(JSON.parse(data[1]).raisedAt));
          }
        }
      }
    } catch {
      // closed
    }
  });
  await waitFor(() => ready === clients, { timeoutMs: 60_000, message: "every stream ready" });
  const db = new DatabaseSync(path);
  const a = L.alerts;
  // As the sink stores them: the ingestion sequence is one more than the table's largest.
  const insert = db.prepare(
    `INSERT INTO ${a.table} (${a.columns.join(", ")}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
     (SELECT COALESCE(MAX(${ingestSequenceColumn}), 0) + 1 FROM ${a.table}))`,
  );
  for (let i = 0; i < ALERTS; i++) {
    const now = new Date().toISOString();
    insert.run(
      `bench-${crypto.randomUUID()}`,
      "active",
      device(i),
      "temperature-high",
      "warning",
      31,
      30,
      now,
      now,
      now,
    );
    await new Promise((r) => setTimeout(r, 100));
  }
  db.close();
  await waitFor(() => latencies.length >= clients * ALERTS, {
    timeoutMs: 30_000,
    message: "every alert at every client",
  }).catch((e) => log(e.message));
  for (const conn of conns) {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
  await Promise.allSettled(readers);
  latencies.sort((x, y) => x - y);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { clients, samples: latencies.length, p50Ms: q(0.5), p99Ms: q(0.99) };
}
