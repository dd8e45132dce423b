/**
 * `kafka-configs.sh` client quotas against any broker (issue 16): set quotas on a client id, a
 * user, a user + client id and the default user, delete one key, describe them back, and try a
 * fractional byte rate. Returns broker-independent observations.
 *
 * @module
 */
import { uniqueName } from "@iot/testing";
import { java } from "./scenarios_test_util.ts";

/** What {@linkcode javaQuotaTools} observes. */
export interface QuotaToolsView {
  /** `--describe` lines per entity, with the entity names replaced by their role. */
  described: string[];
  /** Whether `producer_byte_rate=1.5` was refused. */
  fractionalRefused: boolean;
}

/** Runs kafka-configs.sh (ConfigCommand) over fresh client/user names. */
export async function javaQuotaTools(bootstrap: string): Promise<QuotaToolsView> {
  const client = uniqueName("conf-client");
  const user = uniqueName("conf-user");
  const server = ["--bootstrap-server", bootstrap];
  const configs = (args: string[]) => java("kafka.admin.ConfigCommand", [...server, ...args]);
  const clients = ["--entity-type", "clients", "--entity-name", client];
  const users = ["--entity-type", "users", "--entity-name", user];
  const defaultUser = ["--entity-type", "users", "--entity-default"];
  await configs([
    ...clients,
    "--alter",
    "--add-config",
    "producer_byte_rate=1024,consumer_byte_rate=2048",
  ]);
  await configs([...users, "--alter", "--add-config", "request_percentage=12.5"]);
  await configs([...users, ...clients, "--alter", "--add-config", "producer_byte_rate=4096"]);
  await configs([...defaultUser, "--alter", "--add-config", "consumer_byte_rate=8192"]);
  await configs([...clients, "--alter", "--delete-config", "consumer_byte_rate"]);
  const refused = await configs([...clients, "--alter", "--add-config", "producer_byte_rate=1.5"])
    .then((out) => out, (e: Error) => e.message);
  // KRaft brokers apply quota changes from the metadata log shortly after the controller
  // accepts them: ask until all four entities are described (10 s at most).
  const deadline = Date.now() + 10_000;
  let described: string[] = [];
  for (;;) {
    described = [];
    for (const entity of [clients, users, [...users, ...clients], defaultUser]) {
      const out = await configs([...entity, "--describe"]);
      described.push(...out.trim().split("\n").filter((l) => l.startsWith("Quota configs")));
    }
    if (described.length >= 4 || Date.now() > deadline) break;
  }
  return {
    described: described.map((l) => l.replaceAll(client, "CLIENT").replaceAll(user, "USER")),
    fractionalRefused: /cannot be a fractional value/.test(refused),
  };
}
