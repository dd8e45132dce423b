import { assertEquals, assertRejects } from "@std/assert";
import { InvalidConfigError, MetadataStore } from "../storage/mod.ts";
import { GroupConfigs } from "./group_configs.ts";
import { assignShare } from "./share_group.ts";

const topics = [{ id: "T", name: "t", partitions: 3 }, { id: "U", name: "u", partitions: 1 }];
const member = (memberId: string, subscribed: string[]) => ({ memberId, subscribed });

Deno.test("share assignment: partitions spread, shared when members outnumber them", () => {
  // Reference: every subscribed partition goes to at least one member; no member idles.
  assertEquals(
    assignShare([member("a", ["t"]), member("b", ["t", "u"])], topics),
    new Map<string, Record<string, number[]>>([["a", { T: [0, 2] }], ["b", { T: [1], U: [0] }]]),
  );
  const crowd = ["a", "b", "c", "d"].map((m) => member(m, ["u"]));
  assertEquals([...assignShare(crowd, topics).values()], Array(4).fill({ U: [0] }));
  assertEquals(assignShare([member("a", ["missing"])], topics), new Map([["a", {}]]));
});

Deno.test("group configs: validated on write, defaults described, one clear error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using metadata = await MetadataStore.open(dir);
    const configs = new GroupConfigs(metadata);
    const set = (values: Record<string, string>) => configs.alter("g", () => values, false);
    await set({ "share.auto.offset.reset": "earliest" });
    assertEquals(configs.value("g", "share.auto.offset.reset"), "earliest");
    assertEquals(configs.int("g", "share.record.lock.duration.ms"), 30000);
    const described = configs.describe("g", [
      "share.auto.offset.reset",
      "share.record.lock.duration.ms",
    ]);
    assertEquals(described.map((c) => [c.name, c.value, c.source]), [
      ["share.auto.offset.reset", "earliest", 8],
      ["share.record.lock.duration.ms", "30000", 5],
    ]);
    await assertRejects(
      () => set({ "share.auto.offset.reset": "nope" }),
      InvalidConfigError,
      "one of latest, earliest",
    );
    await assertRejects(
      () => set({ "no.such.key": "1" }),
      InvalidConfigError,
      "Unknown group config name",
    );
    // read_committed is refused rather than accepted and ignored.
    await assertRejects(
      () => set({ "share.isolation.level": "read_committed" }),
      InvalidConfigError,
    );
    assertEquals(configs.overrides("g"), { "share.auto.offset.reset": "earliest" });
    await configs.delete("g");
    assertEquals(configs.overrides("g"), {});
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
