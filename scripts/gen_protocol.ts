/**
 * Generates the broker's Kafka protocol codecs from Apache Kafka's JSON message definitions.
 *
 * Usage: `deno run -A scripts/gen_protocol.ts [--messages DIR] [--out DIR]`
 * (defaults: `../shared/kafka-protocol/messages` and `broker/protocol/generated`, both relative to
 * the repo root). The share-group APIs ({@linkcode API_NAMES_4_3}) come from Kafka 4.3.1's own
 * definitions instead (the shared snapshot predates their stable versions): `--messages-4-3 DIR`,
 * default `$IOT_CACHE_DIR/kafka-4.3.1/messages`, extracted from the kafka-clients jar by
 * `scripts/setup.sh`. Emits one TypeScript file per API (request + response), `apis.ts` (the API
 * table and per-key dispatch maps), `schemas.json` (normalized schemas, used by the tests) and
 * runs `deno fmt` over the output.
 *
 * @module
 */

import { emitApiFile, emitApisFile, type MessageSpec, normalize } from "./gen_protocol_emit.ts";

/** The APIs the broker shim implements, by Kafka name (request and response are generated). */
export const API_NAMES: readonly string[] = [
  "Produce",
  "Fetch",
  "ListOffsets",
  "Metadata",
  "OffsetCommit",
  "OffsetFetch",
  "FindCoordinator",
  "JoinGroup",
  "Heartbeat",
  "LeaveGroup",
  "SyncGroup",
  "DescribeGroups",
  "ListGroups",
  "ApiVersions",
  "CreateTopics",
  "DeleteTopics",
  "InitProducerId",
  "OffsetForLeaderEpoch",
  "AddPartitionsToTxn",
  "AddOffsetsToTxn",
  "EndTxn",
  "TxnOffsetCommit",
  "DescribeConfigs",
  "CreatePartitions",
  "DeleteGroups",
  "DescribeCluster",
  "DescribeTopicPartitions",
  "AlterConfigs",
  "IncrementalAlterConfigs",
  "DeleteRecords",
  "OffsetDelete",
  "DescribeProducers",
  "DescribeTransactions",
  "ListTransactions",
  "ElectLeaders",
  "AlterPartitionReassignments",
  "ListPartitionReassignments",
  "ConsumerGroupHeartbeat",
  "ConsumerGroupDescribe",
  "SaslHandshake",
  "SaslAuthenticate",
  "DescribeUserScramCredentials",
  "AlterUserScramCredentials",
  "DescribeAcls",
  "CreateAcls",
  "DeleteAcls",
  "DescribeClientQuotas",
  "AlterClientQuotas",
];

/**
 * The APIs read from Kafka 4.3.1's message definitions: KIP-932 share groups became stable (v1,
 * ShareFetch/ShareAcknowledge v2) after the shared snapshot was taken.
 */
export const API_NAMES_4_3: readonly string[] = [
  "ShareGroupHeartbeat",
  "ShareGroupDescribe",
  "ShareFetch",
  "ShareAcknowledge",
  "DescribeShareGroupOffsets",
  "AlterShareGroupOffsets",
  "DeleteShareGroupOffsets",
];

/** Removes `//` comments (outside strings) so the Kafka schema files parse as JSON. */
export function stripJsonComments(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else out += c;
  }
  return out;
}

/** Reads and normalizes `<Name>Request.json` and `<Name>Response.json` from `dir`. */
export async function loadApi(dir: string, name: string): Promise<[MessageSpec, MessageSpec]> {
  const load = async (file: string) =>
    normalize(JSON.parse(stripJsonComments(await Deno.readTextFile(`${dir}/${file}`))));
  return [await load(`${name}Request.json`), await load(`${name}Response.json`)];
}

/** snake_case file stem for an API name: `OffsetForLeaderEpoch` → `offset_for_leader_epoch`. */
export function fileStem(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

function parseArgs(args: string[]): { messages: string; messages43: string; out: string } {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const cache = Deno.env.get("IOT_CACHE_DIR") ?? `${Deno.env.get("HOME")}/.cache/iot-platform`;
  let messages = `${root}/../shared/kafka-protocol/messages`;
  let messages43 = `${cache}/kafka-4.3.1/messages`;
  let out = `${root}/broker/protocol/generated`;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--messages") messages = args[++i];
    else if (args[i] === "--messages-4-3") messages43 = args[++i];
    else if (args[i] === "--out") out = args[++i];
    else {
      throw new TypeError(
        `unknown argument ${args[i]} (expected --messages DIR, --messages-4-3 DIR, --out DIR)`,
      );
    }
  }
  return { messages, messages43, out };
}

async function main(): Promise<void> {
  const { messages, messages43, out } = parseArgs(Deno.args);
  await Deno.mkdir(out, { recursive: true });
  const apis: [MessageSpec, MessageSpec][] = [];
  const sources = [
    ...API_NAMES.map((name) => [name, messages]),
    ...API_NAMES_4_3.map((name) => [name, messages43]),
  ];
  for (const [name, dir] of sources) {
    const pair = await loadApi(dir, name);
    apis.push(pair);
    await Deno.writeTextFile(`${out}/${fileStem(name)}.ts`, emitApiFile(name, pair[0], pair[1]));
  }
  apis.sort((a, b) => a[0].apiKey - b[0].apiKey);
  await Deno.writeTextFile(`${out}/apis.ts`, emitApisFile(apis, fileStem));
  const schemas = apis.flat();
  const noDocs = (key: string, v: unknown) => key === "about" ? undefined : v;
  await Deno.writeTextFile(`${out}/schemas.json`, JSON.stringify(schemas, noDocs) + "\n");
  const fmt = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", "--line-width", "100", out],
  }).output();
  if (!fmt.success) throw new Error(`deno fmt failed: ${new TextDecoder().decode(fmt.stderr)}`);
  console.log(`generated ${sources.length} APIs into ${out}`);
}

if (import.meta.main) await main();
