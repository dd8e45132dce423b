/**
 * End to end without Docker: `scripts/stack.sh start` brings up real Kafka 4.3.1, FerretDB and
 * Cassandra (the shared test Cassandra when `IOT_TEST_CASSANDRA` is set, in a keyspace of its
 * own) and the services against them; through the API (on the MongoDB + Cassandra store) the
 * test waits for an aggregate equal to its readings, an overheating alert with its shutdown
 * command and the vehicle maxima; `scripts/stack.sh stop` stops every service cleanly and the
 * servers it started.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { uniqueName } from "@iot/testing";
import { anomalyEnv, awaitResults, lastLines, shortWindowsEnv } from "./api_checks_test_util.ts";
import { portBlock } from "./e2e_test_util.ts";

const script = new URL("../scripts/stack.sh", import.meta.url).pathname;
const decoder = new TextDecoder();

async function stack(command: string, env: Record<string, string>) {
  const out = await new Deno.Command("bash", { args: [script, command], env, stdin: "null" })
    .output();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

Deno.test({
  name: "scripts/stack.sh: real Kafka, FerretDB, Cassandra and the services, checked via the API",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "stack-e2e-" });
    const keyspace = uniqueName("stack").replaceAll("-", "_");
    const base = portBlock();
    const env: Record<string, string> = {
      STACK_DIR: dir,
      STACK_PORT_BASE: String(base),
      STACK_START_TIMEOUT: "180",
      SINKS_CASSANDRA_KEYSPACE: keyspace,
      API_KEYSPACE: keyspace,
      ...shortWindowsEnv,
      ...anomalyEnv,
    };
    const shared = Deno.env.get("IOT_TEST_CASSANDRA");
    if (shared) env.STACK_CASSANDRA = shared;
    const log = () => lastLines(Deno.readTextFileSync(`${dir}/services.log`).split("\n"));
    let running = false;
    try {
      const t0 = performance.now();
      const start = await stack("start", env);
      assertEquals(start.code, 0, start.stderr);
      running = true;
      assertMatch(start.stdout, /^KAFKA_BOOTSTRAP=127\.0\.0\.1:\d+$/m);
      assertMatch(start.stdout, /^MONGO_URL=mongodb:\/\/127\.0\.0\.1:\d+\/$/m);
      assertMatch(start.stdout, /^API_URL=http:\/\/127\.0\.0\.1:\d+$/m);
      const started = (performance.now() - t0) / 1000;
      const results = await awaitResults(base + 4, t0, log);
      console.log(
        `stack started in ${started.toFixed(1)} s; first aggregate ` +
          `${((results.firstAggregateAt - t0) / 1000).toFixed(1)} s after start`,
      );
    } finally {
      // After a failed start the script stopped what it had started; stop is a no-op then.
      const stop = await stack("stop", env);
      await Deno.remove(dir, { recursive: true });
      if (running) {
        assertEquals(stop.code, 0, stop.stderr);
        assert(
          /services stopped: .*processor code 0, sinks code 0, api code 0/.test(stop.stderr),
          stop.stderr,
        );
      }
    }
  },
});
