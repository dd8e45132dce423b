/**
 * Creates the topics the simulator writes and reads when they are missing.
 *
 * @module
 */
import type { SimulatorAdmin } from "./kafka_seam.ts";

/**
 * Creates each of `names` that does not exist yet with `partitions` partitions (replication
 * factor: the broker's default); existing topics are left as they are.
 */
export async function ensureTopics(
  admin: Pick<SimulatorAdmin, "createTopics">,
  names: readonly string[],
  partitions: number,
): Promise<void> {
  const unique = [...new Set(names)];
  await admin.createTopics(
    unique.map((name) => ({ name, partitions, replicationFactor: -1 })),
    { ignoreExisting: true },
  );
}
