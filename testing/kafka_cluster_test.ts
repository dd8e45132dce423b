import { assert, assertEquals } from "@std/assert";
import { clusterServerProperties } from "./kafka_cluster.ts";

Deno.test("clusterServerProperties: three voters, RF 3, min ISR 2, loopback only", () => {
  const nodes = [1, 2, 3].map((id) => ({
    id,
    port: 9000 + id,
    controllerPort: 9100 + id,
    logDirs: `/d/${id}`,
  }));
  const props = Object.fromEntries(
    clusterServerProperties(nodes[1], nodes).trim().split("\n").map((l) => l.split("=", 2)),
  );
  assertEquals(props["node.id"], "2");
  assertEquals(
    props["controller.quorum.voters"],
    "1@127.0.0.1:9101,2@127.0.0.1:9102,3@127.0.0.1:9103",
  );
  assertEquals(props["advertised.listeners"], "PLAINTEXT://127.0.0.1:9002");
  for (const key of ["default.replication.factor", "offsets.topic.replication.factor"]) {
    assertEquals(props[key], "3", key);
  }
  assertEquals(props["min.insync.replicas"], "2");
  assertEquals(props["transaction.state.log.min.isr"], "2");
  assertEquals(props["unclean.leader.election.enable"], "false");
  assert(!clusterServerProperties(nodes[0], nodes).includes("0.0.0.0"));
});
