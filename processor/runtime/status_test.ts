import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { type JobStatus, renderPrometheus } from "./status.ts";
import { handleStatus } from "@iot/service";

const status: JobStatus = {
  job: "device-aggregates",
  instanceId: "0",
  exactlyOnce: true,
  guarantee: "exactly-once",
  recordsIn: 10,
  recordsOut: 2,
  checkpoints: 1,
  lastCheckpointDurationMs: 5,
  changelogRecords: 7,
  restores: { empty: 1, local: 0, changelog: 2 },
  groupId: "processor-device-aggregates",
  rebalances: 3,
  lastRebalanceMs: 12,
  paused: true,
  pauses: 3,
  tasks: [{
    topic: "sensor-readings",
    partition: 0,
    offset: 10,
    lag: 3,
    watermarkMs: 1000,
    recordsIn: 10,
    recordsOut: 2,
    late: 1,
    deadLetters: 0,
    stateKeys: 4,
    pendingOutputs: 0,
    checkpointAgeMs: 100,
    checkpointDurationMs: 2,
    checkpointBytes: 300,
  }],
};

Deno.test("renderPrometheus: job counters and per-task gauges with labels", () => {
  const text = renderPrometheus([status]);
  assertStringIncludes(text, 'processor_records_in_total{job="device-aggregates"} 10');
  assertStringIncludes(
    text,
    'processor_task_lag{job="device-aggregates",topic="sensor-readings",partition="0"} 3',
  );
  assertStringIncludes(text, "# TYPE processor_task_late_total counter");
  assertStringIncludes(text, 'processor_paused{job="device-aggregates"} 1');
  assertStringIncludes(text, 'processor_pauses_total{job="device-aggregates"} 3');
  assertStringIncludes(text, 'processor_changelog_restores_total{job="device-aggregates"} 2');
  assert(text.endsWith("\n"));
});

Deno.test("status handler: /status JSON, /metrics text, 404 and 405", async () => {
  const sources = {
    sources: [{ status: () => Promise.resolve(status) }],
    listKey: "jobs",
    metrics: renderPrometheus,
  };
  const json = await handleStatus(new Request("http://x/status"), sources);
  assertEquals((await json.json()).jobs[0].tasks[0].stateKeys, 4);
  const metrics = await handleStatus(new Request("http://x/metrics"), sources);
  assertStringIncludes(metrics.headers.get("content-type")!, "text/plain");
  assertStringIncludes(await metrics.text(), "processor_task_state_keys");
  assertEquals((await handleStatus(new Request("http://x/nope"), sources)).status, 404);
  const post = await handleStatus(
    new Request("http://x/status", { method: "POST" }),
    sources,
  );
  assertEquals(post.status, 405);
  await post.body?.cancel();
});
