import { apiContract } from "./api_contract_test_util.ts";
import { SqliteStore } from "./sqlite_store.ts";
import { SqliteFiller } from "./store_fill_test_util.ts";

apiContract("SQLite (embedded store)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "api-sqlite-" });
  const path = `${dir}/iot.db`;
  const fill = new SqliteFiller(path);
  const store = new SqliteStore({ path });
  return {
    store,
    fill,
    async [Symbol.asyncDispose]() {
      store.close();
      await fill[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
});
