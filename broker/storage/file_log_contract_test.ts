import { FileLog } from "./file_log.ts";
import { partitionLogContract } from "./partition_log_contract_test_util.ts";

for (const fsync of ["always", "none"] as const) {
  partitionLogContract(`FileLog(fsync=${fsync})`, async ({ config, now }) => {
    const dir = await Deno.makeTempDir({ prefix: "filelog-contract-" });
    // Small segments so the contract also exercises reads across segment boundaries.
    const log = await FileLog.open(dir, { config: { ...config, segmentBytes: 300 }, now, fsync });
    return Object.assign(log, {
      async [Symbol.asyncDispose]() {
        await log.close();
        await Deno.remove(dir, { recursive: true });
      },
    });
  });
}
