/**
 * The classic consumer-group coordinator of the broker shim: FindCoordinator, JoinGroup,
 * SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, ListGroups, DescribeGroups and
 * DeleteGroups as {@linkcode ApiSet} entries, with offsets in a {@linkcode MetadataStore}.
 *
 * @module
 */
export {
  createGroupCoordinator,
  type GroupCoordinator,
  type GroupCoordinatorDeps,
  type ShareGroupDirectory,
} from "./coordinator.ts";
export type { MembershipOptions } from "./membership.ts";
export type { GroupState } from "./group.ts";
export { ManualScheduler, type Scheduler, systemScheduler } from "./scheduler.ts";
export type { AssignableTopic, TopicPartitions } from "./assignors.ts";
export { groupNotFound, groupOperations } from "./consumer_describe.ts";
