import { assertEquals } from "@std/assert";
import { brokerV8Flags } from "@iot/broker";
import { services } from "@iot/dev";
import { buildArgs, targets } from "./compile.ts";

Deno.test("compile: the broker executable carries the broker's V8 flags; bundles do not need them", () => {
  const broker = targets.find((t) => t.name === "broker")!;
  const args = buildArgs(broker, { bundle: false, outDir: "dist" }, () => true);
  assertEquals(args.filter((a) => a.startsWith("--v8-flags=")), [
    `--v8-flags=${brokerV8Flags.join(",")}`,
  ]);
  const producer = targets.find((t) => t.name === "producer")!;
  const plain = buildArgs(producer, { bundle: false, outDir: "dist" }, () => true);
  assertEquals(plain.filter((a) => a.startsWith("--v8-flags")), []);
});

Deno.test("compile: deno task dev starts the broker with the same V8 flags as its executable", () => {
  const entry = services.find((s) => s.name === "broker")!;
  assertEquals(entry.v8Flags, brokerV8Flags);
});
