/**
 * Test harness for the group coordinator: a temp metadata store, a manual scheduler, and `call`,
 * which encodes a request at a version, decodes it like the server does, runs the handler and
 * round-trips the response through its codec (so version-specific fields are checked too).
 *
 * @module
 */
import {
  type ApiKey,
  concatChunks,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  FrameSplitter,
  type RequestInputs,
  type ResponseBodies,
} from "../protocol/mod.ts";
import { handlersOf, type HandlerTable, type RequestContext } from "../api/mod.ts";
import { MetadataStore } from "../storage/mod.ts";
import {
  createGroupCoordinator,
  type GroupCoordinator,
  type GroupCoordinatorDeps,
} from "./coordinator.ts";
import { ManualScheduler } from "./scheduler.ts";

/** Per-call options. */
export interface CallOptions {
  /** Client id in the header. Default "client". */
  clientId?: string;
  /** Connection signal. Default: never aborts. */
  signal?: AbortSignal;
}

/** Runs a handler from `handlers` on an encoded+decoded request, returns the decoded response. */
export async function callHandler<K extends ApiKey>(
  handlers: HandlerTable,
  apiKey: K,
  apiVersion: number,
  body: RequestInputs[K],
  options: CallOptions = {},
): Promise<ResponseBodies[K]> {
  const frame = concatChunks(encodeRequest(
    { apiKey, apiVersion, correlationId: 1, clientId: options.clientId ?? "client" },
    body,
  ));
  const [payload] = new FrameSplitter().push(frame);
  const req = decodeRequest(payload);
  if ("error" in req) throw new Error(`request rejected: ${req.error}`);
  const context: RequestContext = {
    header: req.header,
    connectionId: 1,
    remoteAddress: "127.0.0.1:40000",
    signal: options.signal ?? new AbortController().signal,
  };
  const handler = handlers[apiKey] as unknown as (
    b: unknown,
    c: RequestContext,
  ) => Promise<unknown>;
  const response = await handler(req.body, context);
  const out = concatChunks(encodeResponse(apiKey, apiVersion, 1, response as never));
  const [resPayload] = new FrameSplitter().push(out);
  return decodeResponse(apiKey, apiVersion, resPayload).body;
}

/** A coordinator over a temp store and a manual clock. */
export interface Harness extends AsyncDisposable {
  /** The coordinator under test. */
  coordinator: GroupCoordinator;
  /** The fake clock. */
  scheduler: ManualScheduler;
  /** The store directory. */
  dir: string;
  /** The current store. */
  store: MetadataStore;
  /** Calls an API through its codec. */
  call<K extends ApiKey>(
    apiKey: K,
    apiVersion: number,
    body: RequestInputs[K],
    options?: CallOptions,
  ): Promise<ResponseBodies[K]>;
  /** Closes coordinator and store and opens both again on the same directory. */
  reopen(): Promise<void>;
}

/** Starts a harness; dispose it to close everything and remove the directory. */
export async function startHarness(
  options: Omit<GroupCoordinatorDeps, "metadata" | "nodeId" | "host" | "port" | "scheduler"> = {},
): Promise<Harness> {
  const dir = await Deno.makeTempDir({ prefix: "group-" });
  const scheduler = new ManualScheduler(1_000_000);
  const open = async () => {
    const store = await MetadataStore.open(dir, { fsync: false });
    const coordinator = await createGroupCoordinator({
      metadata: store,
      nodeId: 1,
      host: "127.0.0.1",
      port: 9092,
      scheduler,
      ...options,
    });
    return { store, coordinator };
  };
  const h = {
    ...(await open()),
    scheduler,
    dir,
    call<K extends ApiKey>(k: K, v: number, b: RequestInputs[K], o?: CallOptions) {
      return callHandler(handlersOf(h.coordinator.apis), k, v, b, o);
    },
    async reopen() {
      await h.coordinator.close();
      await h.store.close();
      Object.assign(h, await open());
    },
    async [Symbol.asyncDispose]() {
      await h.coordinator.close();
      await h.store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
  return h;
}

/** A consumer-protocol style protocol list. */
export function protocols(...names: string[]): { name: string; metadata: Uint8Array }[] {
  return names.map((name, i) => ({ name, metadata: Uint8Array.of(i, name.length) }));
}
