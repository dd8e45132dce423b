import { assertEquals } from "@std/assert";
import { createJsonLogger } from "./logger.ts";

Deno.test("createJsonLogger writes one JSON object per line above the level", () => {
  const lines: string[] = [];
  const log = createJsonLogger({ level: "info", write: (l) => lines.push(l), now: () => 0 });
  log.debug("hidden");
  log.info("ready", { port: 9092, big: 2n ** 70n });
  assertEquals(lines.length, 1);
  assertEquals(JSON.parse(lines[0]), {
    ts: "1970-01-01T00:00:00.000Z",
    level: "info",
    msg: "ready",
    port: 9092,
    big: "1180591620717411303424",
  });
});
