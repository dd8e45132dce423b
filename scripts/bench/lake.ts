/**
 * `deno task bench:lake`: rows/s of climate readings into the Delta Lake table through the sinks
 * pipeline (Kafka → `SinkRunner` → `LakeWriter`: read_committed, decode, buffer, Parquet encode,
 * data files, log commit, offset commit) against a baseline in the same script that writes the
 * same rows as Parquet with the same library (`hyparquet-writer`, snappy, one file per hour) and
 * no Kafka, in alternating rounds (plus the `LakeWriter` alone on decoded records, to show where
 * the pipeline's time goes); then the table's file count and sizes, and DuckDB's time to
 * read one hour from the table (`delta_scan`) and from the baseline's files (`read_parquet`).
 *
 * ```sh
 * deno task bench:lake [--readings 1000000] [--rounds 2]
 * ```
 *
 * Kafka is `IOT_TEST_KAFKA_BOOTSTRAP` or a dedicated broker; DuckDB is the lake venv's
 * (`scripts/lake/venv.sh`).
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ByteWriter, parquetWrite } from "hyparquet-writer";
import { startKafka, uniqueName } from "@iot/testing";
import { LakeWriter, sinkKafkaClients, SinkRunner } from "@iot/sinks";
import { batchesOf, fillTopic } from "./sinks.ts";

const T0 = Date.parse("2026-12-02T00:00:00.000Z");
const DEVICES = 1000;
const PER_SECOND = 70; // 1M readings span about 4 hours: 4 hour partitions

function reading(n: number) {
  return {
    deviceId: `dev-${String(n % DEVICES).padStart(4, "0")}`,
    ts: new Date(T0 + Math.floor(n / PER_SECOND) * 1000).toISOString(),
    temperature: 15 + (n % 150) / 10,
    humidity: 30 + (n % 400) / 10,
  };
}

/** The baseline: the same rows as Parquet, one file per hour, straight from memory. */
async function baseline(dir: string, count: number): Promise<number> {
  const started = performance.now();
  const hours = new Map<string, { ts: number[]; d: string[]; t: number[]; h: number[] }>();
  for (let n = 0; n < count; n++) {
    const r = reading(n);
    const key = `date=${r.ts.slice(0, 10)}/hour=${Number(r.ts.slice(11, 13))}`;
    let cols = hours.get(key);
    if (!cols) hours.set(key, cols = { ts: [], d: [], t: [], h: [] });
    cols.d.push(r.deviceId);
    cols.ts.push(Date.parse(r.ts) * 1000);
    cols.t.push(r.temperature);
    cols.h.push(r.humidity);
  }
  for (const [folder, c] of hours) {
    const writer = new ByteWriter();
    parquetWrite({
      writer,
      codec: "SNAPPY",
      rowGroupSize: 1_000_000,
      columnData: [
        { name: "device_id", data: c.d },
        { name: "ts", data: c.ts },
        { name: "temperature", data: c.t },
        { name: "humidity", data: c.h },
      ],
      schema: [
        { name: "root", num_children: 4 },
        {
          name: "device_id",
          repetition_type: "OPTIONAL",
          type: "BYTE_ARRAY",
          converted_type: "UTF8",
        },
        {
          name: "ts",
          repetition_type: "OPTIONAL",
          type: "INT64",
          converted_type: "TIMESTAMP_MICROS",
          logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" },
        },
        { name: "temperature", repetition_type: "OPTIONAL", type: "DOUBLE" },
        { name: "humidity", repetition_type: "OPTIONAL", type: "DOUBLE" },
      ],
    });
    await Deno.mkdir(join(dir, folder), { recursive: true });
    await Deno.writeFile(join(dir, folder, "part-0.parquet"), writer.getBytes());
  }
  return count / ((performance.now() - started) / 1000);
}

/** The LakeWriter alone (decoded records, same batches, no Kafka): where the pipeline's time goes. */
async function writerOnly(dir: string, count: number): Promise<number> {
  const writer = new LakeWriter({ dir, kinds: ["climate-reading"] });
  await writer.ensureSchema();
  const batches = batchesOf("climate-reading", count, 5000, reading); // built before the clock
  const started = performance.now();
  for (const batch of batches) await writer.write(batch);
  await writer.flush();
  return count / ((performance.now() - started) / 1000);
}

/** The pipeline from Kafka into a fresh table under `dir`; rows/s including the final commit. */
async function pipeline(bootstrap: string, topic: string, dir: string, count: number) {
  const stop = new AbortController();
  let done = 0;
  const runner = new SinkRunner({
    name: uniqueName("bench-lake"),
    clients: sinkKafkaClients({ bootstrap }),
    routes: [{ topic, kind: "climate-reading" }],
    writer: new LakeWriter({ dir, kinds: ["climate-reading"] }),
    deadLetterTopic: `${topic}-dlq`,
    batchSize: 5000,
    lingerMs: 100,
    onEvent: (e) => {
      if (e.type !== "flushed") return;
      done += e.records;
      if (done >= count) stop.abort();
    },
  });
  const started = performance.now();
  await runner.run(stop.signal); // at stop the runner commits the table and then Kafka
  return count / ((performance.now() - started) / 1000);
}

async function python(): Promise<string> {
  const out = await new Deno.Command("bash", {
    args: [new URL("../lake/venv.sh", import.meta.url).pathname],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

async function main() {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      readings: { type: "string", default: "1000000" },
      rounds: { type: "string", default: "2" },
    },
  });
  const count = Number(values.readings);
  const rounds = Number(values.rounds);
  await using kafka = await startKafka();
  const topic = await fillTopic(kafka.bootstrap, "bench-lake", count, reading);
  const root = await Deno.makeTempDir({ prefix: "bench-lake-" });
  const results: { bare: number; lake: number; writer: number }[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const bareDir = join(root, `bare-${round}`), lakeDir = join(root, `lake-${round}`);
      let bare = 0, lake = 0, writer = 0;
      if (round % 2 === 0) {
        bare = await baseline(bareDir, count);
        writer = await writerOnly(join(root, `writer-${round}`), count);
        lake = await pipeline(kafka.bootstrap, topic, lakeDir, count);
      } else {
        lake = await pipeline(kafka.bootstrap, topic, lakeDir, count);
        writer = await writerOnly(join(root, `writer-${round}`), count);
        bare = await baseline(bareDir, count);
      }
      results.push({ bare, lake, writer });
      console.error(
        `round ${round + 1}: baseline ${bare.toFixed(0)}/s, writer ${writer.toFixed(0)}/s, ` +
          `lake ${lake.toFixed(0)}/s`,
      );
    }
    const table = join(root, "lake-0", "sensor_readings");
    const files: number[] = [];
    for await (const e of Deno.readDir(table)) {
      if (!e.name.startsWith("date=")) continue;
      for await (const h of Deno.readDir(join(table, e.name))) {
        for await (const f of Deno.readDir(join(table, e.name, h.name))) {
          files.push((await Deno.stat(join(table, e.name, h.name, f.name))).size);
        }
      }
    }
    const hour = reading(Math.floor(count / 2)).ts;
    const out = await new Deno.Command(await python(), {
      args: [
        new URL("../lake/read_table.py", import.meta.url).pathname,
        "--time-hour",
        table,
        hour.slice(0, 10),
        String(Number(hour.slice(11, 13))),
        join(root, "bare-0", "*/*/*.parquet"),
      ],
      stdout: "piped",
    }).output();
    const read = JSON.parse(new TextDecoder().decode(out.stdout));
    const mb = (n: number) => (n / 1e6).toFixed(2);
    console.log(
      "| round | rows | baseline rows/s (Parquet, no Kafka) | LakeWriter alone rows/s | " +
        "lake pipeline rows/s (Kafka → table) | pipeline / baseline |",
    );
    console.log("| --- | --- | --- | --- | --- | --- |");
    results.forEach((r, i) =>
      console.log(
        `| ${i + 1} | ${count} | ${r.bare.toFixed(0)} | ${r.writer.toFixed(0)} | ` +
          `${r.lake.toFixed(0)} | ${(r.lake / r.bare).toFixed(2)} |`,
      )
    );
    console.log(
      `\nfiles: ${files.length}, ${mb(files.reduce((a, b) => a + b, 0))} MB total, ` +
        `${mb(Math.min(...files))}-${mb(Math.max(...files))} MB each`,
    );
    console.log(
      `DuckDB, one hour (${read.delta.rows} rows): delta_scan ${read.delta.ms.toFixed(1)} ms, ` +
        `read_parquet of the baseline's files ${read.parquet.ms.toFixed(1)} ms (best of 5)`,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

if (import.meta.main) await main();
