import { assertEquals } from "@std/assert";
import { sqliteLayout } from "@iot/events";

// The API reads the tables the sinks create: the shared layout must name the sinks' columns, in
// order (read from the schema file the sinks render from their definitions).
Deno.test("the shared SQLite layout matches the sinks' schema file", () => {
  const sql = Deno.readTextFileSync(new URL("../sinks/schema/sqlite.sql", import.meta.url));
  const tables = new Map<string, string[]>();
  for (const m of sql.matchAll(/CREATE TABLE IF NOT EXISTS (\w+) \(\n([\s\S]*?)\n\)/g)) {
    const columns = m[2].split("\n").map((l) => l.trim().split(" ")[0])
      .filter((c) => c !== "PRIMARY");
    tables.set(m[1], columns);
  }
  const apiOwned = new Set(["alert_acks"]);
  for (const layout of Object.values(sqliteLayout)) {
    if (apiOwned.has(layout.table)) continue;
    assertEquals(tables.get(layout.table), [...layout.columns], layout.table);
  }
});
