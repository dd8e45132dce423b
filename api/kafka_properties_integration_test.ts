/**
 * The API and `deno task tail` reach a broker that requires SASL over TLS when given a client
 * properties file: against the broker shim with SASL_SSL (SCRAM-SHA-512, a self-signed
 * certificate), `POST /devices/{id}/commands` lands on `device-commands`, `/pipeline/topics`
 * lists it and the tail prints the command. With a wrong password the API answers 503 problems
 * (topics after the admin's request timeout, a command after `COMMAND_TIMEOUT_MS`) and logs why as JSON,
 * the tail and `deno task dev --kafka` stop with one line, and no output carries a password.
 */
import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { startBroker } from "@iot/broker/testing";
import { freePort, saslSslProperties, selfSignedCert, waitFor } from "@iot/testing";
import { SqliteFiller } from "./store_fill_test_util.ts";

const root = new URL("..", import.meta.url).pathname;
const TOKEN = "kprops-test-token";
const GOOD = "alice-Secret-5b1";
const BAD = "wrong-Secret-93c";
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** The API as a child process; `stop()` ends it and returns everything it printed. */
async function startApi(bootstrap: string, properties: string, sqlite: string) {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}api/main.ts`, "--bootstrap", bootstrap, "--sqlite", sqlite]
      .concat(["--port", String(port), "--log-level", "debug"]),
    env: { API_TOKEN: TOKEN, API_KAFKA_PROPERTIES: properties },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  const url = `http://127.0.0.1:${port}`;
  const healthy = async () => {
    const response = await fetch(`${url}/healthz`).catch(() => null);
    await response?.body?.cancel();
    return response?.ok ?? false;
  };
  await waitFor(healthy, { timeoutMs: 20_000 }).catch(async (e) => {
    child.kill();
    const out = await output;
    throw new Error(`api did not start: ${decode(out.stderr)}`, { cause: e });
  });
  return {
    url,
    async stop(): Promise<string> {
      child.kill("SIGTERM");
      const out = await output;
      return decode(out.stdout) + decode(out.stderr);
    },
  };
}

/** Runs a repo entry point to its end; returns its exit code and everything it printed. */
async function run(main: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}${main}`, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("api and tail with --kafka-properties reach a SASL_SSL broker (SCRAM-SHA-512)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kprops-" });
  try {
    const tls = await selfSignedCert(dir);
    await using broker = await startBroker({ saslUsers: { alice: GOOD }, tls });
    const props = async (name: string, password: string) => {
      const file = `${dir}/${name}.properties`;
      await Deno.writeTextFile(file, saslSslProperties("alice", password, tls.certFile));
      return file;
    };
    const good = await props("good", GOOD);
    const bad = await props("bad", BAD);
    const fill = new SqliteFiller(`${dir}/iot.db`);
    await fill.readings([[
      { deviceId: "d1", ts: new Date().toISOString(), temperature: 21, humidity: 40 },
      { partition: 0, offset: 0 },
    ]]);
    await fill[Symbol.asyncDispose]();

    const api = await startApi(broker.bootstrap, good, `${dir}/iot.db`);
    let logs = "";
    try {
      const sent = await fetch(`${api.url}/devices/d1/commands`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ command: "shutdown", reason: "kprops test" }),
      });
      const command = await sent.json();
      assertEquals(sent.status, 202, JSON.stringify(command));
      const topics = await fetch(`${api.url}/pipeline/topics`);
      const listed = await topics.json();
      assertEquals(topics.status, 200, JSON.stringify(listed));
      assert(listed.items.some((t: { name: string }) => t.name === "device-commands"));

      const tail = await run("dev/tail/main.ts", [
        "device-commands",
        "--from-beginning",
        "--count",
        "1",
        "--bootstrap",
        broker.bootstrap,
        "--kafka-properties",
        good,
      ]);
      assertEquals(tail.code, 0, tail.stderr);
      const record = JSON.parse(tail.stdout.trim());
      assertEquals([record.key, record.value.commandId], ["d1", command.commandId]);
    } finally {
      logs += await api.stop();
    }

    let refusedLogs = "";
    const refused = await startApi(broker.bootstrap, bad, `${dir}/iot.db`);
    try {
      const topics = await fetch(`${refused.url}/pipeline/topics`);
      const problem = await topics.json();
      assertEquals(topics.status, 503);
      assertEquals(topics.headers.get("content-type"), "application/problem+json");
      assert(typeof problem.detail === "string" && problem.detail.length > 0);
      assertEquals(JSON.stringify(problem).includes(BAD), false);
      // Not held open for librdkafka's 5 minutes: a 503 once COMMAND_TIMEOUT_MS runs out.
      const sent = await fetch(`${refused.url}/devices/d1/commands`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ command: "restart" }),
      });
      assertEquals([sent.status, (await sent.json()).status], [503, 503]);
    } finally {
      refusedLogs = await refused.stop();
    }
    // The API's log says why, as JSON lines.
    assert(
      refusedLogs.split("\n").some((line) =>
        line.startsWith("{") && line.includes('"librdkafka"') && /authentication/i.test(line)
      ),
      refusedLogs,
    );

    const tail = await run("dev/tail/main.ts", [
      "device-commands",
      "--count",
      "1",
      "--bootstrap",
      broker.bootstrap,
      "--kafka-properties",
      bad,
    ]);
    assertEquals(tail.code, 1);
    assertEquals(tail.stderr.trim().split("\n").length, 1, tail.stderr);
    assert(tail.stderr.startsWith(`tail: cannot reach Kafka at ${broker.bootstrap}`), tail.stderr);
    assert(/authentication/i.test(tail.stderr), `the reason is named: ${tail.stderr}`);

    const dev = await run("dev/main.ts", [
      "--kafka",
      broker.bootstrap,
      "--kafka-properties",
      bad,
      "--port-base",
      "0",
      "--data-dir",
      `${dir}/dev`,
    ]);
    assertNotEquals(dev.code, 0);
    assertEquals(dev.stderr.trim().split("\n").length, 1, dev.stderr);
    assert(dev.stderr.startsWith(`dev: cannot talk to Kafka at ${broker.bootstrap}`), dev.stderr);
    assert(/authentication/i.test(dev.stderr), `the reason is named: ${dev.stderr}`);

    for (const text of [logs, refusedLogs, tail.stdout, tail.stderr, dev.stdout, dev.stderr]) {
      assertEquals(text.includes(GOOD) || text.includes(BAD), false, "a password was printed");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
