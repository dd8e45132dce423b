import { assert, assertEquals, assertGreater, assertThrows } from "@std/assert";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import { Admin, Consumer, KafkaError, nextOffsets, Producer, type RebalanceEvent } from "./mod.ts";

const PARTITIONS = 4;
const PER_PHASE = 600;

/** A group member that stores offsets after each batch and commits only on revoke and close. */
class Member {
  readonly consumer: Consumer;
  readonly seen: string[] = [];
  readonly events: RebalanceEvent[] = [];
  #owned = 0;
  readonly #loop: Promise<void>;

  constructor(bootstrap: string, group: string, topic: string, strategy: string, into: string[]) {
    const consumer = new Consumer({
      config: {
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "partition.assignment.strategy": strategy,
        "enable.auto.commit": false,
        "enable.auto.offset.store": false,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 500,
      },
      onRebalance: async (event) => {
        this.events.push(event);
        if (event.type === "assigned") this.#owned += event.partitions.length;
        else {
          this.#owned -= event.partitions.length;
          await consumer.commit();
        }
      },
    });
    this.consumer = consumer;
    consumer.subscribe([topic]);
    this.#loop = (async () => {
      for await (const batch of consumer.batches()) {
        for (const r of batch) {
          const id = `${r.partition}:${r.offset}`;
          this.seen.push(id);
          into.push(id);
        }
        consumer.storeOffsets(nextOffsets(batch));
      }
    })();
  }

  get owned(): number {
    return this.#owned;
  }

  async close(): Promise<void> {
    await this.consumer.close();
    await this.#loop;
  }
}

for (const strategy of ["range", "cooperative-sticky"]) {
  Deno.test(`group (${strategy}): members split partitions and rebalance on join and leave with no loss and no duplicates`, async () => {
    await using kafka = await startKafka();
    const topic = uniqueName("group");
    const group = uniqueName("g");
    await using admin = new Admin({ config: { "bootstrap.servers": kafka.bootstrap } });
    await admin.createTopics([{ name: topic, partitions: PARTITIONS }]);
    await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
    let produced = 0;
    const producePhase = async () => {
      await producer.sendBatch(
        Array.from(
          { length: PER_PHASE },
          (_, i) => ({ topic, key: `k${produced + i}`, value: "x" }),
        ),
      );
      produced += PER_PHASE;
    };
    const all: string[] = [];

    await producePhase();
    const a = new Member(kafka.bootstrap, group, topic, strategy, all);
    await waitFor(() => a.owned === PARTITIONS && all.length >= PER_PHASE, {
      timeoutMs: 30_000,
      message: "first member to own every partition and read phase 1",
    });

    const b = new Member(kafka.bootstrap, group, topic, strategy, all);
    await waitFor(() => a.owned > 0 && b.owned > 0 && a.owned + b.owned === PARTITIONS, {
      timeoutMs: 30_000,
      message: "two members to split the partitions",
    });
    await producePhase();
    await waitFor(() => new Set(all).size >= 2 * PER_PHASE, {
      timeoutMs: 30_000,
      message: "phase 2",
    });

    await b.close();
    await waitFor(() => a.owned === PARTITIONS, {
      timeoutMs: 30_000,
      message: "rebalance on leave",
    });
    await producePhase();
    await waitFor(() => all.length >= produced, { timeoutMs: 30_000, message: "phase 3" });
    await a.close();

    assertEquals(all.length, produced, "every record read exactly once");
    assertEquals(new Set(all).size, produced, "no duplicates");
    assertGreater(a.seen.length, 0);
    assertGreater(b.seen.length, 0);
    assert(a.events.some((e) => e.type === "revoked"), "the first member saw a revocation");
    assert(b.events.some((e) => e.type === "revoked"), "the leaving member gave up its partitions");
    const protocol = strategy === "cooperative-sticky" ? "cooperative" : "eager";
    assert(a.events.every((e) => e.protocol === protocol));
    if (protocol === "cooperative") {
      const firstRevoke = a.events.find((e) => e.type === "revoked")!;
      assert(firstRevoke.partitions.length < PARTITIONS, "cooperative revokes only what moves");
    }
    const committed = await admin.consumerGroupLag(group);
    assertEquals(committed.reduce((sum, p) => sum + p.lag, 0), 0, "all offsets committed");
  });
}

Deno.test("static member fenced by a newer one with its group.instance.id: batches() throws the fatal error", async () => {
  // What a broker crash causes when the coordinator moves (the processor's cluster scenario):
  // librdkafka hands a consumer its fatal FENCED_INSTANCE_ID as a queued message only. Reported
  // as a passing error, the fenced consumer would go on yielding nothing, for good.
  await using kafka = await startKafka();
  const topic = uniqueName("static");
  const group = uniqueName("g");
  await using admin = new Admin({ config: { "bootstrap.servers": kafka.bootstrap } });
  await admin.createTopics([{ name: topic, partitions: 1 }]);
  const member = () => {
    let assigned = false;
    const consumer = new Consumer({
      config: {
        "bootstrap.servers": kafka.bootstrap,
        "group.id": group,
        "group.instance.id": `${group}-1`,
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 500,
        "enable.auto.commit": false,
      },
      onRebalance: (event) => {
        if (event.type === "assigned") assigned = true;
      },
    });
    consumer.subscribe([topic]);
    let outcome: unknown = undefined;
    const loop = (async () => {
      for await (const _ of consumer.batches()) { /* nothing produced */ }
    })().then(() => outcome = "ended", (e) => outcome = e);
    return { consumer, loop, assigned: () => assigned, outcome: () => outcome };
  };
  const first = member();
  await waitFor(first.assigned, { timeoutMs: 30_000, message: "the first member's assignment" });
  const second = member();
  try {
    await waitFor(() => first.outcome() !== undefined, {
      timeoutMs: 30_000,
      message: "the fenced member's batches() to end",
    });
    const e = first.outcome();
    assert(e instanceof KafkaError, `batches() ended with ${e}`);
    assertEquals([e.code, e.fatal], [82, true], e.message);
    // The client knows it is dead: later calls throw the same error.
    assertThrows(() => first.consumer.assignment(), KafkaError, "fenced");
  } finally {
    await first.consumer.close().catch(() => {});
    await first.loop;
    await second.consumer.close();
    await second.loop;
  }
});
