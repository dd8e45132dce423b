/**
 * Client test suites nobody here wrote, against the broker shim (issue 16, item 8): franz-go's
 * kgo integration tests and segmentio/kafka-go's tests, built by `scripts/peer_suites/build.sh`
 * (cached; `scripts/setup.sh` builds them) and run by `scripts/peer_suites/run.sh` against a fresh
 * shim on 127.0.0.1:9092 in a private network namespace. Every test in the suite's
 * `<suite>.expected` list must pass; the list is what passes on the shim today, and the same list
 * against Apache Kafka 4.3.1 is `scripts/peer_suites/run.sh <suite> kafka` (by hand).
 *
 * Bounded: kgo's ETL tests use 20000 records (KGO_TEST_RECORDS), each suite's go test run stops
 * at 6 minutes. Then kgo's transactional ETL test at 200,000 records, five times in a row on one
 * shim (issue 16), within 8 minutes.
 */
import { assert, assertEquals } from "@std/assert";

const here = new URL(".", import.meta.url).pathname;

for (const suite of ["kgo", "kafka-go"]) {
  Deno.test(`peer suite ${suite}: every expected test passes on the shim`, async () => {
    const out = await new Deno.Command("bash", {
      args: [`${here}run.sh`, suite, "shim"],
      env: { PEER_SUITE_TIMEOUT: "6m" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const report = new TextDecoder().decode(out.stderr).trim();
    console.log(report.split("\n").filter((l) => l.includes(" on shim")).join("\n"));
    assert(out.code === 0, `run.sh ${suite} shim exited ${out.code}:\n${report}`);
  });
}

Deno.test("peer suite kgo: TestTxnEtl with 200,000 records passes five times in a row", async () => {
  const dir = await Deno.makeTempDir({ prefix: "peer-txn-etl-" });
  try {
    const out = await new Deno.Command("bash", {
      args: [`${here}run.sh`, "kgo", "shim"],
      env: {
        PEER_SUITE_OUT: dir,
        PEER_SUITE_RUN: "^TestTxnEtl$",
        PEER_SUITE_COUNT: "5",
        PEER_SUITE_NO_CHECK: "1",
        PEER_SUITE_TIMEOUT: "8m",
        KGO_TEST_RECORDS: "200000",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const log = await Deno.readTextFile(`${dir}/kgo-shim.log`);
    const runs = [...log.matchAll(/^--- (PASS|FAIL): TestTxnEtl \(([\d.]+)s\)/gm)];
    console.log(
      `TestTxnEtl x5 at 200k records: ${runs.map((r) => `${r[1]} ${r[2]} s`).join(", ")}`,
    );
    const report = new TextDecoder().decode(out.stderr).trim();
    assertEquals(runs.map((r) => r[1]), ["PASS", "PASS", "PASS", "PASS", "PASS"], report);
    assert(out.code === 0, `run.sh exited ${out.code}:\n${report}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
