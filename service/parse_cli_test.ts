import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { z } from "zod";
import {
  booleanOption,
  defaultsOf,
  defineCli,
  enumOption,
  integerOption,
  listOption,
  mapOption,
  numberOption,
  repeatableOption,
  stringOption,
} from "./mod.ts";
import { parseCli, splitArgs, splitCommandLine, UsageError } from "./parse_cli.ts";

const cli = defineCli({
  name: "demo",
  usage: "demo [flags]",
  summary: "A demo executable.",
  prefix: "DEMO",
  options: {
    dataDir: stringOption({ doc: "data directory", value: "DIR", required: true }),
    port: integerOption({ doc: "port", default: 9092, min: 0, max: 65535 }),
    retentionMs: integerOption({ doc: "retention, -1 = keep", default: 100, min: -1 }),
    ratio: numberOption({ doc: "a ratio", min: 0, max: 1 }),
    autoCreate: booleanOption({ doc: "auto-create", default: true }),
    fsync: enumOption(["always", "interval", "none"], { doc: "fsync policy", default: "always" }),
    jobs: listOption(["a", "b", "c"], { doc: "jobs", default: ["a", "b", "c"] }),
    topics: mapOption(["in", "out"], { doc: "rename a topic", flag: "topic" }),
    bootstrap: stringOption({ doc: "Kafka", env: "KAFKA_BOOTSTRAP_SERVERS", default: "x:1" }),
    period: stringOption({
      doc: "a period",
      schema: z.string().regex(/^\d+s$/, "expected seconds like 5s").transform((s) =>
        Number(s.slice(0, -1)) * 1000
      ),
    }),
  },
});

const base = ["--data-dir", "/d"];
const files: Record<string, string> = {
  "c.json": JSON.stringify({ port: 1, fsync: "none", retentionMs: 5, jobs: ["b"] }),
  "bad.json": JSON.stringify({ port: "x" }),
  "unknown.json": JSON.stringify({ nope: 1 }),
  "array.json": "[1]",
  "broken.json": "{",
};
const readFile = (path: string) => {
  if (!(path in files)) throw new Error("No such file");
  return files[path];
};

function parse(args: string[], env: Record<string, string> = {}) {
  const r = parseCli(cli, { args, env, readFile });
  if (r.help) throw new Error("unexpected help");
  return r;
}

function error(args: string[], env: Record<string, string> = {}): string {
  return assertThrows(() => parse(args, env), UsageError).message;
}

Deno.test("parseCli: defaults come from the table", () => {
  const { values } = parse(base);
  assertEquals(values, {
    dataDir: "/d",
    port: 9092,
    retentionMs: 100,
    autoCreate: true,
    fsync: "always",
    jobs: ["a", "b", "c"],
    topics: {},
    bootstrap: "x:1",
  });
  assertEquals(defaultsOf(cli.options).port, 9092);
  assertEquals("dataDir" in defaultsOf(cli.options), false);
});

Deno.test("parseCli: flags win over env, env over the config file, the file over defaults", () => {
  const env = { DEMO_PORT: "2", DEMO_FSYNC: "interval", DEMO_CONFIG: "c.json" };
  const r = parse([...base, "--port", "3"], env);
  assertEquals([r.values.port, r.values.fsync, r.values.retentionMs], [3, "interval", 5]);
  assertEquals(r.values.jobs, ["b"]);
  assertEquals(r.sourceOf("port"), "--port");
  assertEquals(r.sourceOf("fsync"), "DEMO_FSYNC");
  assertEquals(r.sourceOf("retentionMs"), '"retentionMs" in c.json');
  assertEquals(r.sourceOf("autoCreate"), "default of --auto-create");
  assertEquals(parse([...base, "--config=c.json"], { DEMO_CONFIG: "bad.json" }).values.port, 1);
  assertEquals(parse(base, { KAFKA_BOOTSTRAP_SERVERS: "k:9" }).values.bootstrap, "k:9");
  assertEquals(parse([], { DEMO_DATA_DIR: "/e" }).values.dataDir, "/e");
});

Deno.test("parseCli: value syntax: --x v, --x=v, negative numbers, booleans, lists, maps", () => {
  const r = parse([
    "--data-dir=/d",
    "--retention-ms",
    "-1",
    "--ratio",
    ".25",
    "--auto-create",
    "false",
    "--jobs",
    "c, a",
    "--topic",
    "in=x.in",
    "--topic=out=y=z",
    "--period",
    "5s",
  ]);
  assertEquals(r.values.retentionMs, -1);
  assertEquals(r.values.ratio, 0.25);
  assertEquals(r.values.autoCreate, false);
  assertEquals(r.values.jobs, ["c", "a"]);
  assertEquals(r.values.topics, { in: "x.in", out: "y=z" });
  assertEquals(r.values.period, 5000);
  assertEquals(parse([...base, "--auto-create"]).values.autoCreate, true);
  assertEquals(parse(["--auto-create", ...base]).values.autoCreate, true);
  assertEquals(parse([...base, "--auto-create=false"]).values.autoCreate, false);
  assertEquals(parse(base, { DEMO_TOPICS: "in=a,out=b" }).values.topics, { in: "a", out: "b" });
  assertEquals(parse([...base, "--port", "1", "--port", "2"]).values.port, 2);
});

Deno.test("parseCli: every error is one line naming the flag as typed, env var or config key", () => {
  assertEquals(error(["--nope"]), "unknown flag --nope (see --help)");
  assertEquals(
    error(["--autoCreate", "true"]),
    "unknown flag --autoCreate (did you mean --auto-create? see --help)",
  );
  assertEquals(error(["stray"]), 'unexpected argument "stray"');
  assertEquals(error([...base, "--port"]), "--port needs a value");
  assertEquals(error(["--data-dir", "--port", "1"]), "--data-dir needs a value");
  assertEquals(error([]), '--data-dir is required (or DEMO_DATA_DIR or "dataDir" in --config)');
  assertEquals(error([...base, "--port", "abc"]), '--port: expected a number, got "abc"');
  assertEquals(error([...base, "--port", "1.5"]), '--port: expected an integer, got "1.5"');
  assertEquals(error([...base, "--port", "70000"]), "--port: must be at most 65535, got 70000");
  assertEquals(
    error([...base, "--retention-ms", "-2"]),
    "--retention-ms: must be at least -1, got -2",
  );
  assertEquals(error([...base, "--ratio", "x"]), '--ratio: expected a number, got "x"');
  assertEquals(
    error([...base, "--fsync", "sometimes"]),
    '--fsync: expected one of always, interval, none; got "sometimes"',
  );
  assertEquals(
    error([...base, "--auto-create=maybe"]),
    '--auto-create: expected true or false, got "maybe"',
  );
  assertEquals(error([...base, "--jobs", "a,x"]), '--jobs: expected one of a, b, c; got "x"');
  assertEquals(
    error([...base, "--topic", "nope=x"]),
    '--topic: expected KEY=VALUE with KEY one of in, out; got "nope=x"',
  );
  assertEquals(error([...base, "--period", "5m"]), "--period: expected seconds like 5s");
  assertEquals(error(base, { DEMO_PORT: "-5" }), "DEMO_PORT: must be at least 0, got -5");
  assertEquals(
    error([...base, "--config", "bad.json"]),
    '"port" in bad.json: expected a number, got "x"',
  );
  assertEquals(
    error([...base, "--config", "unknown.json"]),
    '"nope" in unknown.json: unknown key (see --help)',
  );
  assertEquals(
    error([...base, "--config", "array.json"]),
    "--config: array.json must hold a JSON object",
  );
  assertStringIncludes(
    error([...base, "--config", "broken.json"]),
    "--config: broken.json is not JSON:",
  );
  assertEquals(
    error(base, { DEMO_CONFIG: "missing.json" }),
    "DEMO_CONFIG: cannot read missing.json: No such file",
  );
  for (const args of [["--nope"], [...base, "--port", "x"]]) {
    assertEquals(error(args).includes("\n"), false);
  }
});

Deno.test("parseCli: a table may refuse repeated flags and config files", () => {
  const strict = defineCli({ ...cli, repeated: "error", configFile: false });
  const message = (args: string[]) =>
    assertThrows(() => parseCli(strict, { args }), UsageError).message;
  assertEquals(message([...base, "--port", "1", "--port", "2"]), "--port given twice");
  assertEquals(message([...base, "--config", "c.json"]), "unknown flag --config (see --help)");
  const r = parseCli(strict, { args: ["--topic", "in=a", "--topic", "out=b", ...base] });
  assertEquals(r.help ? null : r.values.topics, { in: "a", out: "b" });
});

Deno.test("splitArgs: repeated map flags collect in order; --help and -h", () => {
  assertEquals([...splitArgs(cli, ["--topic", "in=b", "--topic=out=d", "--help"])], [
    ["topic", ["in=b", "out=d"]],
    ["help", ["true"]],
  ]);
  assertEquals(parseCli(cli, { args: ["-h", "--port", "bad"] }).help, true);
  assertEquals(parseCli(cli, { args: ["--bogus", "--help"] }).help, true);
});

const tailLike = defineCli({
  name: "tail",
  usage: "tail TOPIC [flags]",
  summary: "Prints a topic.",
  prefix: "TAIL",
  configFile: false,
  positionals: [{ name: "TOPIC", doc: "the topic to print" }],
  options: {
    fromBeginning: booleanOption({ doc: "from the start", default: false }),
    count: integerOption({ doc: "stop after N", min: 1 }),
    tag: repeatableOption({ doc: "a tag" }),
  },
});

function tail(args: string[], env: Record<string, string> = {}) {
  const r = parseCli(tailLike, { args, env });
  if (r.help) throw new Error("unexpected help");
  return r;
}

Deno.test("parseCli: positionals come back in order, around flags; a boolean takes only true/false", () => {
  const r = tail(["--from-beginning", "alerts", "--count", "3"]);
  assertEquals(r.positionals, ["alerts"]);
  assertEquals(r.values.fromBeginning, true);
  assertEquals(r.values.count, 3);
  assertEquals(tail(["--from-beginning", "false", "t"]).values.fromBeginning, false);
  assertEquals(tail(["t", "--from-beginning"]).values.fromBeginning, true);
  assertEquals(splitCommandLine(tailLike, ["a", "--count=2"]).positionals, ["a"]);
});

Deno.test("parseCli: a missing or extra positional is one line; without positionals a word is an error", () => {
  const message = (args: string[]) =>
    assertThrows(() => parseCli(tailLike, { args }), UsageError).message;
  assertEquals(message([]), "missing TOPIC");
  assertEquals(message(["--count", "2"]), "missing TOPIC");
  assertEquals(message(["a", "b"]), 'unexpected argument "b" after TOPIC');
  assertEquals(message(["a", "-x"]), 'unexpected argument "-x"');
  assertEquals(error([...base, "word"]), 'unexpected argument "word"');
  assertEquals(parseCli(tailLike, { args: ["--help"] }).help, true, "--help needs no TOPIC");
});

Deno.test("parseCli: a repeatable option keeps every flag value as given; env is comma-separated", () => {
  assertEquals(tail(["t"]).values.tag, []);
  assertEquals(tail(["t", "--tag", "a@1,x", "--tag=b"]).values.tag, ["a@1,x", "b"]);
  assertEquals(tail(["t"], { TAIL_TAG: "a, b" }).values.tag, ["a", "b"]);
  assertEquals(tail(["t", "--tag", "c"], { TAIL_TAG: "a" }).values.tag, ["c"], "flags win");
  assertEquals(
    assertThrows(() => tail(["t", "--tag="]), UsageError).message,
    "--tag: must not be empty",
  );
});
