import { assertEquals } from "@std/assert";
import { fetchStatuses } from "./pipeline.ts";
import { groupInstances } from "./pipeline_instances.ts";

const task = (partition: number, lag: number) => ({
  topic: "readings",
  partition,
  lag,
  checkpointAgeMs: 500,
  stateKeys: 7,
  checkpointBytes: 1200,
});
const docs: Record<string, unknown> = {
  "http://a/status": {
    jobs: [{ job: "agg", groupId: "p-agg", instanceId: "a", tasks: [task(0, 3), task(2, 1)] }],
  },
  "http://b/status": { jobs: [{ job: "agg", groupId: "p-agg", instanceId: "b", tasks: [] }] },
  "http://s/status": {
    pipelines: [{
      pipeline: "sinks-embedded",
      lastWriteAgeMs: 40,
      partitions: [{ topic: "alerts", partition: 1, lag: 2 }],
    }],
  },
};

Deno.test("groupInstances: every instance of every group from several URLs per service", async () => {
  const fetcher = (url: string | URL | Request) =>
    Promise.resolve(
      String(url) in docs
        ? Response.json(docs[String(url)])
        : new Response("down", { status: 503 }),
    );
  const services = await fetchStatuses(
    { processor: "http://a/status http://b/status http://c/status", sinks: "http://s/status" },
    fetcher as typeof fetch,
  );
  assertEquals(services.map((s) => [s.name, s.up]), [
    ["processor", true],
    ["processor", true],
    ["processor", false],
    ["sinks", true],
  ]);
  const instances = groupInstances(services);
  assertEquals(instances.map((i) => [i.group, i.instance, i.lag, i.partitions.length]), [
    ["p-agg", "a", 4, 2],
    ["p-agg", "b", 0, 0],
    ["sinks-embedded", "http://s/status", 2, 1],
  ]);
  assertEquals(instances[0].partitions[0], {
    topic: "readings",
    partition: 0,
    lag: 3,
    checkpointAgeMs: 500,
    stateKeys: 7,
    stateBytes: 1200,
  });
  assertEquals(instances[2].partitions[0].stateKeys, null);
});
