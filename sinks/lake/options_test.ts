import { assertEquals, assertThrows } from "@std/assert";
import { UsageError } from "@iot/service";
import { loadConfig } from "../main.ts";
import { choosePipelines, pipelineRoutes, pipelineWriter } from "../pipelines.ts";
import { resolveTopics } from "@iot/events";

const bootstrap = ["--bootstrap", "127.0.0.1:9092"];

Deno.test("sinks options: --lake-dir runs the lake pipeline (readings and aggregates)", async () => {
  const config = loadConfig([...bootstrap, "--lake-dir", "/tmp/lake", "--lake-roll-ms", "60000"]);
  assertEquals(choosePipelines(config.pipelines, config), ["lake"]);
  assertEquals([config.lakeFileMb, config.lakeRollMs], [64, 60_000]);
  const topics = pipelineRoutes("lake", resolveTopics({})).map((r) => r.topic);
  assertEquals(topics, ["sensor-readings", "vehicle-pressure", "sensor-aggregates"]);
  await using writer = pipelineWriter("lake", config);
  assertEquals(writer.store, "lake");
  const env = { SINKS_LAKE_DIR: "/tmp/lake" };
  const both = loadConfig([...bootstrap, "--pipelines", "embedded,lake"], env);
  assertEquals(choosePipelines(both.pipelines, both), ["embedded", "lake"]);
});

Deno.test("sinks options: the lake pipeline without --lake-dir is one clear line", () => {
  const error = assertThrows(() => loadConfig([...bootstrap, "--pipelines", "lake"]), UsageError);
  assertEquals(error.message, "pipeline lake needs --lake-dir (or SINKS_LAKE_DIR)");
});
