/**
 * A lake sink as a child process for the crash test: `SinkRunner` + `LakeWriter` on real Kafka.
 * With `STOP_AT=<stage> STOP_AFTER=<n>` it prints `STAGE <stage>` on stderr at the n-th time a
 * commit reaches that stage (see `commit.ts` `CommitStage`) and hangs there, so the test can
 * SIGKILL it at exactly that point: mid-file, mid-commit, or between the log entry and the Kafka
 * commit. SIGTERM stops it gracefully.
 *
 * usage: deno run -A sinks/lake/crash_child_test_util.ts BOOTSTRAP TOPIC DLQ GROUP DIR [STAGE N]
 *
 * @module
 */
import { sinkKafkaClients } from "../kafka_clients.ts";
import { SinkRunner } from "../runner.ts";
import type { CommitStage } from "./commit.ts";
import { LakeWriter } from "./writer.ts";

const [bootstrap, topic, deadLetterTopic, group, dir, stopAt, stopAfter] = Deno.args;
let seen = 0;
const onStage = (stage: CommitStage): Promise<void> | void => {
  if (stage !== stopAt || ++seen !== Number(stopAfter)) return;
  console.error(`STAGE ${stage}`);
  return new Promise(() => {}); // hang here until killed
};
const abort = new AbortController();
Deno.addSignalListener("SIGTERM", () => abort.abort());
const runner = new SinkRunner({
  name: group,
  clients: sinkKafkaClients({ bootstrap }),
  routes: [{ topic, kind: "climate-reading" }],
  writer: new LakeWriter({
    dir,
    rollMs: 3_600_000,
    targetFileBytes: 1,
    maxBufferedRows: 150,
    ...(stopAt ? { onStage } : {}),
  }),
  deadLetterTopic,
  batchSize: 100,
  lingerMs: 50,
  sessionTimeoutMs: 6_000,
  onEvent: (e) => {
    if (e.type === "flushed") console.error(`FLUSHED ${e.records}`);
  },
});
console.error("RUNNING");
await runner.run(abort.signal);
console.error("STOPPED");
