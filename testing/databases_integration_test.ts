import { assertEquals, assertRejects } from "@std/assert";
import { MongoClient } from "mongodb";
import cassandra from "cassandra-driver";
import { startCassandra } from "./cassandra.ts";
import { startFerretDb } from "./ferretdb.ts";
import { acceptsTcp } from "./net.ts";
import { waitFor } from "./wait_for.ts";

Deno.test("startFerretDb: serves the MongoDB wire protocol, restarts with its data, cleans up", async () => {
  let port = 0;
  {
    await using mongo = await startFerretDb({ dedicated: true });
    port = Number(new URL(mongo.url).port);
    const client = new MongoClient(mongo.url, { serverSelectionTimeoutMS: 5_000 });
    try {
      await client.db("t").collection("c").insertOne({ _id: "a" as never, v: 1 });
      await mongo.stop();
      assertEquals(await acceptsTcp("127.0.0.1", port), false);
      await mongo.start();
      const doc = await client.db("t").collection("c").findOne({ _id: "a" as never });
      assertEquals(doc?.v, 1);
    } finally {
      await client.close();
    }
  }
  assertEquals(await acceptsTcp("127.0.0.1", port), false);
});

Deno.test("startCassandra: serves CQL, restarts with its data, cleans up", async () => {
  let port = 0;
  {
    await using node = await startCassandra({ dedicated: true });
    port = Number(node.contactPoint.split(":")[1]);
    const client = new cassandra.Client({
      contactPoints: [node.contactPoint],
      localDataCenter: node.localDataCenter,
    });
    try {
      await client.execute(
        "CREATE KEYSPACE t WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      );
      await client.execute("CREATE TABLE t.c (k text PRIMARY KEY, v int)");
      await client.execute("INSERT INTO t.c (k, v) VALUES ('a', 1)");
      await node.stop();
      await assertRejects(() => client.execute("SELECT v FROM t.c WHERE k = 'a'"));
      await node.start();
      const rows = await waitRows(client, "SELECT v FROM t.c WHERE k = 'a'");
      assertEquals(rows.map((r) => r.get("v")), [1]);
    } finally {
      await client.shutdown();
    }
  }
  assertEquals(await acceptsTcp("127.0.0.1", port), false);
});

/** The driver reconnects on its own schedule after a restart: poll the query until it works. */
async function waitRows(client: cassandra.Client, query: string): Promise<cassandra.types.Row[]> {
  let rows: cassandra.types.Row[] = [];
  await waitFor(async () => {
    try {
      rows = (await client.execute(query)).rows;
      return true;
    } catch {
      return false;
    }
  }, { timeoutMs: 60_000, intervalMs: 200, message: "the driver to reconnect" });
  return rows;
}
