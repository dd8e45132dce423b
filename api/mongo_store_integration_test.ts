import { startCassandra, startFerretDb, uniqueName } from "@iot/testing";
import { apiContract, NOW } from "./api_contract_test_util.ts";
import { MongoCassandraFiller } from "./mongo_fill_test_util.ts";
import { MongoCassandraStore } from "./mongo_store.ts";

// The same route contract as the embedded store, on MongoDB (FerretDB here) and Cassandra.
apiContract("MongoDB (FerretDB) + Cassandra", async () => {
  const mongo = await startFerretDb();
  const node = await startCassandra();
  const name = uniqueName("api").replace(/[^A-Za-z0-9_]/g, "_").slice(0, 40);
  const fill = await MongoCassandraFiller.open(mongo.url, name, node.contactPoint, name);
  const store = new MongoCassandraStore({
    mongoUrl: mongo.url,
    database: name,
    cassandraContactPoints: [node.contactPoint],
    keyspace: name,
    now: () => NOW,
    tailSettleMs: 200,
  });
  return {
    store,
    fill,
    async [Symbol.asyncDispose]() {
      await store[Symbol.asyncDispose]();
      await fill[Symbol.asyncDispose]();
      await node[Symbol.asyncDispose]();
      await mongo[Symbol.asyncDispose]();
    },
  };
});
