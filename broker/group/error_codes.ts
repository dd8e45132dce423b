/**
 * The Kafka error codes the group coordinator answers with (values from Kafka's `Errors.java`).
 *
 * @module
 */

/** Kafka error codes used by the group coordinator. */
export const ErrorCode = {
  none: 0,
  offsetMetadataTooLarge: 12,
  coordinatorNotAvailable: 15,
  notCoordinator: 16,
  illegalGeneration: 22,
  inconsistentGroupProtocol: 23,
  invalidGroupId: 24,
  unknownMemberId: 25,
  invalidSessionTimeout: 26,
  rebalanceInProgress: 27,
  invalidRequest: 42,
  nonEmptyGroup: 68,
  groupIdNotFound: 69,
  memberIdRequired: 79,
  fencedInstanceId: 82,
  unstableOffsetCommit: 88,
  fencedMemberEpoch: 110,
  unsupportedAssignor: 112,
  staleMemberEpoch: 113,
  invalidRegularExpression: 128,
} as const;
