/**
 * librdkafka 2.0.2 (kcat) runs a balanced consumer against the group coordinator: a minimal
 * in-test socket loop answers ApiVersions/Metadata/ListOffsets/Fetch with stubs (one topic, one
 * partition, one record) and every group API with the real coordinator.
 */
import { assert, assertEquals } from "@std/assert";
import {
  ApiKey,
  apiVersionsEntries,
  decodeRequest,
  encodeResponse,
  FrameSplitter,
} from "../protocol/mod.ts";
import { buildRecordBatch } from "../records/mod.ts";
import { handlersOf, type HandlerTable, type RequestContext } from "../api/mod.ts";
import { MetadataStore } from "../storage/mod.ts";
import { createGroupCoordinator } from "./coordinator.ts";
import { callHandler } from "./harness_test_util.ts";

const TOPIC = "kcat-topic";
const BATCH = buildRecordBatch([{
  timestamp: 1_700_000_000_000,
  value: new TextEncoder().encode("hello"),
}]);

function stubs(port: number): HandlerTable {
  return {
    [ApiKey.ApiVersions]: () => ({ errorCode: 0, apiKeys: apiVersionsEntries() }),
    [ApiKey.Metadata]: (req) => ({
      brokers: [{ nodeId: 1, host: "127.0.0.1", port, rack: null }],
      clusterId: "test",
      controllerId: 1,
      topics: (req.topics ?? [{ name: TOPIC }]).map((t) => ({
        errorCode: 0,
        name: t.name,
        partitions: [{
          errorCode: 0,
          partitionIndex: 0,
          leaderId: 1,
          leaderEpoch: 0,
          replicaNodes: [1],
          isrNodes: [1],
        }],
      })),
    }),
    [ApiKey.ListOffsets]: (req) => ({
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: 0,
          offset: p.timestamp === -2n ? 0n : 1n,
          timestamp: -1n,
        })),
      })),
    }),
    [ApiKey.Fetch]: async (req, ctx) => {
      const first = req.topics.some((t) => t.partitions.some((p) => p.fetchOffset === 0n));
      // A crude long poll, so the client does not spin.
      if (!first) await abortableDelay(Math.min(req.maxWaitMs, 100), ctx.signal);
      return {
        responses: req.topics.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partition,
            errorCode: 0,
            highWatermark: 1n,
            lastStableOffset: 1n,
            logStartOffset: 0n,
            abortedTransactions: [],
            records: p.fetchOffset === 0n ? BATCH : new Uint8Array(),
          })),
        })),
      };
    },
  };
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** One connection: requests answered strictly in order, like the real socket loop. */
async function serve(
  conn: Deno.TcpConn,
  id: number,
  handlers: HandlerTable,
  seen: Set<string>,
): Promise<void> {
  const closed = new AbortController();
  const splitter = new FrameSplitter();
  try {
    for await (const chunk of conn.readable) {
      for (const frame of splitter.push(chunk)) {
        const req = decodeRequest(frame);
        if ("error" in req) throw new Error(`rejected ${JSON.stringify(req.header)}: ${req.error}`);
        seen.add(`${req.apiKey}v${req.header.apiVersion}`);
        const handler = handlers[req.apiKey] as (b: unknown, c: RequestContext) => unknown;
        if (!handler) throw new Error(`no handler for API ${req.apiKey}`);
        const ctx = {
          header: req.header,
          connectionId: id,
          remoteAddress: "127.0.0.1:1",
          signal: closed.signal,
        };
        const body = await handler(req.body, ctx);
        const out = encodeResponse(
          req.apiKey,
          req.header.apiVersion,
          req.header.correlationId,
          body as never,
        );
        for (const c of out) await conn.write(c);
      }
    }
  } catch {
    // the client went away
  } finally {
    closed.abort();
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}

/** Runs `client(port)` against a fake broker with the real coordinator; returns what it saw. */
async function withBroker(
  client: (port: number) => Promise<Deno.CommandOutput>,
  check: (
    handlers: HandlerTable,
    out: { stdout: string; stderr: string },
    seen: Set<string>,
  ) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "group-client-" });
  const store = await MetadataStore.open(dir);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  const coordinator = await createGroupCoordinator({
    metadata: store,
    nodeId: 1,
    host: "127.0.0.1",
    port,
  });
  const handlers = { ...stubs(port), ...handlersOf(coordinator.apis) };
  const seen = new Set<string>();
  const connections: Promise<void>[] = [];
  const accepting = (async () => {
    let id = 0;
    for await (const conn of listener) connections.push(serve(conn, ++id, handlers, seen));
  })();
  try {
    const out = await client(port);
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    await check(handlersOf(coordinator.apis), {
      stdout: text(out.stdout),
      stderr: text(out.stderr),
    }, seen);
  } finally {
    listener.close();
    await accepting.catch(() => {});
    await Promise.all(connections);
    await coordinator.close();
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function assertConsumedAndCommitted(handlers: HandlerTable, group: string): Promise<void> {
  const committed = await callHandler(handlers, ApiKey.OffsetFetch, 8, {
    groups: [{ groupId: group, topics: null }],
  });
  assertEquals(committed.groups[0].topics[0].partitions[0].committedOffset, 1n);
  const listed = await callHandler(handlers, ApiKey.ListGroups, 4, {});
  assertEquals(listed.groups.map((g) => [g.groupId, g.groupState]), [[group, "Empty"]]);
}

Deno.test("kcat (librdkafka 2.0.2) joins, consumes, commits and leaves a group", async () => {
  await withBroker(
    (port) =>
      new Deno.Command("kcat", {
        args: [
          "-b",
          `127.0.0.1:${port}`,
          "-G",
          "kcat-group",
          TOPIC,
          "-c",
          "1",
          "-q",
          "-f",
          "%s\\n",
          "-X",
          "auto.offset.reset=earliest",
          "-X",
          "session.timeout.ms=6000",
        ],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(20_000),
      }).output(),
    async (handlers, out, seen) => {
      assertEquals(out.stdout.trim(), "hello", out.stderr);
      await assertConsumedAndCommitted(handlers, "kcat-group");
      // JoinGroup v5, SyncGroup v3, LeaveGroup v1: librdkafka 2.0.2's maxima.
      for (const api of ["11v5", "14v3", "13v1"]) assert(seen.has(api), `${api} in ${[...seen]}`);
    },
  );
});

const KAFKA_LIB = `${Deno.env.get("HOME")}/.cache/iot-platform/kafka-4.3.1/lib`;

Deno.test("the Java 4.3.1 console consumer joins, consumes, commits and leaves a group", async () => {
  await withBroker(
    (port) =>
      new Deno.Command("java", {
        args: [
          "-cp",
          `${KAFKA_LIB}/*`,
          "org.apache.kafka.tools.consumer.ConsoleConsumer",
          "--bootstrap-server",
          `127.0.0.1:${port}`,
          "--topic",
          TOPIC,
          "--group",
          "java-group",
          "--from-beginning",
          "--max-messages",
          "1",
        ],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(40_000),
      }).output(),
    async (handlers, out, seen) => {
      assertEquals(out.stdout.trim(), "hello", out.stderr);
      await assertConsumedAndCommitted(handlers, "java-group");
      // JoinGroup v9, SyncGroup v5, LeaveGroup v5, OffsetCommit/OffsetFetch v9, FindCoordinator v6.
      for (const api of ["11v9", "14v5", "13v5", "8v9", "9v9", "10v6"]) {
        assert(seen.has(api), `${api} in ${[...seen]}`);
      }
    },
  );
});
