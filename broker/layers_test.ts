/**
 * The broker's layers import downward only (issue 16, item 7): protocol and records at the bottom;
 * storage; the API contract (`api/`); the implementations (handlers, group, producers, txn); the
 * socket side (`server/`); the composition root (`app/`). Implementations may share a layer (txn
 * builds on group offsets and producer ids). Test code may reach test utilities.
 */
import { assertEquals } from "@std/assert";

const RANK: Record<string, number> = {
  protocol: 0,
  records: 0,
  storage: 1,
  api: 2,
  handlers: 3,
  group: 3,
  producers: 3,
  txn: 3,
  quota: 3,
  share: 3,
  server: 4,
  app: 5,
};

Deno.test("broker layers import only their own or lower layers", async () => {
  const root = new URL(".", import.meta.url).pathname;
  const upward: string[] = [];
  for (const layer of Object.keys(RANK)) {
    for await (const entry of Deno.readDir(`${root}${layer}`)) {
      const name = entry.name;
      if (!entry.isFile || !name.endsWith(".ts") || /_test(_util)?\.ts$/.test(name)) continue;
      const text = await Deno.readTextFile(`${root}${layer}/${name}`);
      for (const m of text.matchAll(/from "\.\.\/([a-z_]+)\//g)) {
        const target = m[1];
        if (target in RANK && RANK[target] > RANK[layer]) {
          upward.push(`${layer}/${name} -> ${target}/`);
        }
      }
    }
  }
  assertEquals(upward, []);
});
