import { MemoryLog } from "./memory_log.ts";
import { partitionLogContract } from "./partition_log_contract_test_util.ts";

partitionLogContract(
  "MemoryLog",
  ({ config, now }) => Promise.resolve(new MemoryLog({ config, now })),
);
