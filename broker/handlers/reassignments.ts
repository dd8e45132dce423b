/**
 * AlterPartitionReassignments (45) and ListPartitionReassignments (46) on one node: every
 * partition already lives on this node, so moving it to `[this node]` completes at once, cancelling
 * finds nothing in progress, any other broker id is an invalid assignment, and no reassignment is
 * ever ongoing.
 *
 * @module
 */
import { type ApiKey, ErrorCode } from "../protocol/mod.ts";
import type { Handler } from "../api/mod.ts";
import type { BrokerContext } from "./context.ts";

/** Kafka's NO_REASSIGNMENT_IN_PROGRESS: a cancellation with nothing to cancel. */
const NO_REASSIGNMENT_IN_PROGRESS = 85;

/** Builds the AlterPartitionReassignments handler. */
export function alterPartitionReassignmentsHandler(
  ctx: BrokerContext,
): Handler<typeof ApiKey.AlterPartitionReassignments> {
  const node = ctx.identity.nodeId;
  return (request) => ({
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    responses: request.topics.map((t) => {
      const count = ctx.store.topic(t.name)?.partitions ?? 0;
      return {
        name: t.name,
        partitions: t.partitions.map(({ partitionIndex, replicas }) => {
          const answer = (errorCode: number, errorMessage: string | null = null) => ({
            partitionIndex,
            errorCode,
            errorMessage,
          });
          if (partitionIndex < 0 || partitionIndex >= count) {
            return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${t.name}-${partitionIndex}`);
          }
          if (replicas === null) return answer(NO_REASSIGNMENT_IN_PROGRESS, null);
          if (replicas.length === 0 || replicas.some((r) => r !== node)) {
            return answer(
              ErrorCode.INVALID_REPLICA_ASSIGNMENT,
              `Replicas ${JSON.stringify(replicas)}: the only broker is ${node}`,
            );
          }
          return answer(ErrorCode.NONE);
        }),
      };
    }),
  });
}

/** Builds the ListPartitionReassignments handler: nothing is ever being reassigned. */
export function listPartitionReassignmentsHandler(): Handler<
  typeof ApiKey.ListPartitionReassignments
> {
  return () => ({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics: [] });
}
