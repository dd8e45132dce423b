/**
 * Share groups (KIP-932) for the broker shim: queue-style consumption where records, not
 * partitions, are handed to members, each under an acquisition lock, with delivery counts and
 * acknowledgements (accept, release, reject) kept durably per share-partition.
 *
 * @module
 */
export {
  createShareCoordinator,
  type ListedShareGroup,
  type ShareCoordinator,
  type ShareCoordinatorDeps,
} from "./coordinator.ts";
export { GroupConfigs } from "./group_configs.ts";
export {
  AckType,
  RecordState,
  SharePartition,
  type SharePartitionOptions,
  type SharePartitionSnapshot,
} from "./share_partition.ts";
