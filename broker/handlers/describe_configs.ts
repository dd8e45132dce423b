/**
 * DescribeConfigs (32): topic configs (overrides and defaults), group configs (when the broker
 * keeps them) and a minimal broker resource.
 *
 * @module
 */
import type {
  ApiKey,
  DescribeConfigsResponseDescribeConfigsResourceResultInput,
} from "../protocol/mod.ts";
import type { Handler } from "../api/mod.ts";
import type { BrokerContext } from "./context.ts";
import { ErrorCode } from "../protocol/mod.ts";
import {
  type ConfigEntry,
  ConfigSource,
  ConfigType,
  describeTopicConfigs,
} from "./topic_configs.ts";

/** Kafka ConfigResource types. */
const ResourceType = { TOPIC: 2, BROKER: 4, GROUP: 32 };

/** Builds the DescribeConfigs handler. */
export function describeConfigsHandler(ctx: BrokerContext): Handler<typeof ApiKey.DescribeConfigs> {
  return (request, { header }) => ({
    throttleTimeMs: 0,
    results: request.resources.map((r) => {
      let entries: ConfigEntry[] | undefined;
      let errorCode = 0;
      let errorMessage: string | null = null;
      if (r.resourceType === ResourceType.TOPIC) {
        const topic = ctx.store.topic(r.resourceName);
        if (topic) {
          entries = describeTopicConfigs(
            ctx.store.logConfig(topic.name),
            topic.configs,
            r.configurationKeys,
          );
        } else {
          errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          errorMessage = `Topic ${r.resourceName} does not exist`;
        }
      } else if (r.resourceType === ResourceType.GROUP && ctx.groupConfigs) {
        entries = ctx.groupConfigs.describe(r.resourceName, r.configurationKeys);
      } else if (r.resourceType === ResourceType.BROKER) {
        entries = brokerConfigs(ctx).filter((c) =>
          r.configurationKeys === null || r.configurationKeys.includes(c.name)
        );
      } else {
        errorCode = ErrorCode.INVALID_REQUEST;
        errorMessage = `Resource type ${r.resourceType} is not supported`;
      }
      return {
        errorCode,
        errorMessage,
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configs: (entries ?? []).map((c) => entry(c, header.apiVersion, request.includeSynonyms)),
      };
    }),
  });
}

function entry(
  c: ConfigEntry,
  version: number,
  synonyms: boolean,
): DescribeConfigsResponseDescribeConfigsResourceResultInput {
  return {
    name: c.name,
    value: c.value,
    readOnly: c.source !== ConfigSource.DYNAMIC_TOPIC_CONFIG &&
      c.source !== ConfigSource.DYNAMIC_GROUP_CONFIG && c.source !== ConfigSource.DEFAULT_CONFIG,
    isDefault: version === 0 ? c.source === ConfigSource.DEFAULT_CONFIG : false,
    configSource: c.source,
    isSensitive: false,
    synonyms: synonyms ? [{ name: c.name, value: c.value, source: c.source }] : [],
    configType: c.type,
    documentation: null,
  };
}

function brokerConfigs(ctx: BrokerContext): ConfigEntry[] {
  const s = ConfigSource.STATIC_BROKER_CONFIG;
  return [
    {
      name: "auto.create.topics.enable",
      value: String(ctx.topics.autoCreate),
      source: s,
      type: ConfigType.BOOLEAN,
    },
    { name: "broker.id", value: String(ctx.identity.nodeId), source: s, type: ConfigType.INT },
    {
      name: "num.partitions",
      value: String(ctx.topics.partitions),
      source: s,
      type: ConfigType.INT,
    },
  ];
}
