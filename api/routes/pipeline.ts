/**
 * `/pipeline`: topics with partitions, consumer groups with lag per partition, the processor's
 * and sinks' status documents, and the dead-letter browser.
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { type AppContext, newRouter } from "../context.ts";
import { fetchStatuses, type GroupInfo, type ServiceStatus, type TopicInfo } from "../pipeline.ts";
import { type GroupInstance, groupInstances } from "../pipeline_instances.ts";
import { ProblemError } from "../problem.ts";
import { deadLetterSchema, json, pageOf, pageQuery, problems } from "../schemas.ts";

const tags = ["pipeline"];

const topicSchema = z.object({
  name: z.string(),
  partitions: z.array(z.object({
    partition: z.number().int(),
    leader: z.number().int(),
    replicas: z.number().int(),
    isr: z.number().int(),
  })),
}).openapi("Topic");

const groupSchema = z.object({
  groupId: z.string(),
  state: z.string(),
  lag: z.number().int(),
  partitions: z.array(z.object({
    topic: z.string(),
    partition: z.number().int(),
    committed: z.number().int(),
    end: z.number().int(),
    lag: z.number().int(),
  })),
}).openapi("ConsumerGroup");

const serviceSchema = z.object({
  name: z.string(),
  url: z.string(),
  up: z.boolean(),
  status: z.unknown().openapi({ description: "the service's own status document" }),
  error: z.string().nullable(),
}).openapi("ServiceStatus");

const instanceSchema = z.object({
  group: z.string(),
  service: z.string(),
  instance: z.string(),
  lag: z.number().int(),
  partitions: z.array(z.object({
    topic: z.string(),
    partition: z.number().int(),
    lag: z.number().int().nullable(),
    checkpointAgeMs: z.number().nullable(),
    stateKeys: z.number().int().nullable(),
    stateBytes: z.number().int().nullable(),
  })),
}).openapi("GroupInstance");

const summarySchema = z.object({
  topics: z.array(topicSchema),
  groups: z.array(groupSchema),
  services: z.array(serviceSchema),
  instances: z.array(instanceSchema),
  kafkaError: z.string().nullable(),
}).openapi("Pipeline");

/** What the pipeline page shows, in one document. */
export interface PipelineSummary {
  /** Topics. */
  readonly topics: TopicInfo[];
  /** Consumer groups and their lag. */
  readonly groups: GroupInfo[];
  /** The services' status documents. */
  readonly services: ServiceStatus[];
  /** Every worker instance of each group, from the status documents. */
  readonly instances: GroupInstance[];
  /** Why topics and groups are empty, when Kafka did not answer. */
  readonly kafkaError: string | null;
}

/** Gathers topics, groups and service statuses; a Kafka failure is reported, not thrown. */
export async function pipelineSummary(ctx: AppContext): Promise<PipelineSummary> {
  const fetching = fetchStatuses(ctx.config.services, ctx.fetch);
  const withServices = async () => {
    const services = await fetching;
    return { services, instances: groupInstances(services) };
  };
  try {
    const [topics, groups] = ctx.pipeline
      ? await Promise.all([ctx.pipeline.topics(), ctx.pipeline.groups()])
      : [[], []];
    return { topics, groups, ...await withServices(), kafkaError: null };
  } catch (e) {
    const kafkaError = e instanceof Error ? e.message : String(e);
    return { topics: [], groups: [], ...await withServices(), kafkaError };
  }
}

const route = (path: string, summary: string, schema: z.ZodType, name: string) =>
  createRoute({
    method: "get",
    path,
    tags,
    summary,
    responses: {
      200: json(z.object({ items: z.array(schema) }).openapi(name), summary),
      ...problems(503),
    },
  });

const summary = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "Topics, consumer groups and services in one document",
  responses: { 200: json(summarySchema, "The pipeline") },
});
const topics = route("/topics", "Topics and their partitions", topicSchema, "TopicList");
const groups = route("/groups", "Consumer groups with lag per partition", groupSchema, "GroupList");
const services = route(
  "/services",
  "The processor's and sinks' status documents",
  serviceSchema,
  "ServiceList",
);
const deadLetters = createRoute({
  method: "get",
  path: "/dead-letters",
  tags,
  summary: "Dead-letter records with their reasons, latest first",
  request: { query: pageQuery },
  responses: {
    200: json(pageOf(deadLetterSchema, "DeadLetterPage"), "A page of dead letters"),
    ...problems(400),
  },
});

/** The `/pipeline` routes. */
export function pipelineRoutes(ctx: AppContext): OpenAPIHono {
  const app = newRouter();
  const kafka = async <T>(
    what: string,
    f: (p: NonNullable<AppContext["pipeline"]>) => Promise<T>,
  ) => {
    if (!ctx.pipeline) return [];
    try {
      return await f(ctx.pipeline);
    } catch (e) {
      ctx.logger.warn(`${what} failed`, { error: e instanceof Error ? e.message : String(e) });
      throw new ProblemError(503, `Kafka did not answer the ${what} request`);
    }
  };
  app.openapi(summary, async (c) => c.json(await pipelineSummary(ctx), 200));
  app.openapi(
    topics,
    async (c) => c.json({ items: await kafka("topics", (p) => p.topics()) }, 200),
  );
  app.openapi(
    groups,
    async (c) => c.json({ items: await kafka("groups", (p) => p.groups()) }, 200),
  );
  app.openapi(
    services,
    async (c) => c.json({ items: await fetchStatuses(ctx.config.services, ctx.fetch) }, 200),
  );
  app.openapi(
    deadLetters,
    async (c) => c.json(await ctx.store.deadLetters(c.req.valid("query")), 200),
  );
  return app;
}
