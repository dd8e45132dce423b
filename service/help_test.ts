import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { helpText } from "./help.ts";
import {
  defineCli,
  enumOption,
  integerOption,
  mapOption,
  repeatableOption,
  stringOption,
} from "./mod.ts";

const cli = defineCli({
  name: "demo",
  usage: "demo [flags]",
  summary: "A demo executable.",
  prefix: "DEMO",
  options: {
    port: integerOption({ doc: "Kafka port, 0 = any free port", default: 9092, group: "Net" }),
    host: stringOption({ doc: "host in Metadata", value: "HOST", defaultText: "--host" }),
    fsync: enumOption(["always", "none"], {
      doc: "fsync policy",
      default: "always",
      group: "Disk",
    }),
    stateDir: stringOption({ doc: "state", value: "DIR", required: true }),
    topics: mapOption(["in", "out"], { doc: "rename a topic", flag: "topic", env: null }),
  },
});

Deno.test("helpText: one line per option with its env var and default, under its group", () => {
  const text = helpText(cli);
  assert(text.startsWith("Usage: demo [flags]\n\nA demo executable.\n"));
  assertStringIncludes(text, "\nNet:\n");
  assertStringIncludes(text, "\nDisk:\n");
  const lines = text.split("\n");
  const port = lines.find((l) => l.startsWith("  --port N"))!;
  assertStringIncludes(port, "Kafka port, 0 = any free port  [DEMO_PORT, default 9092]");
  assertStringIncludes(text, "[DEMO_HOST, default --host]");
  assertStringIncludes(text, "--fsync always|none");
  assertStringIncludes(text, "[DEMO_STATE_DIR, required]");
  assertStringIncludes(text, "--topic KEY=VALUE");
  assertStringIncludes(text, "rename a topic: in, out  [repeatable]");
  assertStringIncludes(text, "--config FILE");
  assertStringIncludes(text, "--help, -h");
  for (const line of lines) assert(line.length <= 100, line);
  assertEquals(text.endsWith("\n"), true);
});

Deno.test("helpText: positionals are listed under Arguments; a repeatable flag says so", () => {
  const text = helpText(defineCli({
    name: "tail",
    usage: "tail TOPIC [flags]",
    summary: "Prints a topic.",
    prefix: "TAIL",
    configFile: false,
    positionals: [{ name: "TOPIC", doc: "the topic to print" }, {
      name: "MORE",
      doc: "another",
      required: false,
    }],
    options: { tag: repeatableOption({ doc: "a tag", value: "T" }) },
  }));
  assertStringIncludes(text, "\nArguments:\n  TOPIC" + " ".repeat(25) + "the topic to print\n");
  assertStringIncludes(text, "another  [optional]");
  assertStringIncludes(text, "  --tag T" + " ".repeat(23) + "a tag  [TAIL_TAG, repeatable]\n");
  assert(!text.includes("--config"), "no config file");
});
