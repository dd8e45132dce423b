/**
 * {@linkcode MongoCassandraStore}: the {@linkcode ApiStore} over the production stores the sinks
 * write: MongoDB (readings, alerts, command statuses, vehicle maxima, dead letters, and the API's
 * own commands and acks) and Cassandra (window aggregates, one partition per device and day).
 *
 * Written for what FerretDB 1.x (where it is tested) also supports: finds with sorts and limits,
 * no aggregation pipeline, no transactions.
 *
 * @module
 */
import cassandra from "cassandra-driver";
import { type Collection, type Document, MongoClient } from "mongodb";
import {
  cassandraLayout,
  type ClimateReading,
  type DeviceCommand,
  mongoLayout as M,
  type VehiclePressureMax,
  type VehiclePressureReading,
  type WindowAggregate,
} from "@iot/events";
import {
  aggregateOf as aggregate,
  alertViewOf,
  commandViewOf,
  deadLetterOf,
  fromSnake,
  isoOf,
  readingOf,
  vehicleMaxOf,
  vehicleReadingOf,
} from "./rows.ts";
import {
  type AlertFilter,
  type AlertView,
  type ApiStore,
  batchOf,
  type CommandView,
  type DeadLetterView,
  decodeCursor,
  decodeOffsets,
  type DeviceFacts,
  encodeCursor,
  encodeOffsets,
  type OffsetVector,
  type Page,
  pageOf,
  type PageRequest,
  type TailBatch,
  type Tailed,
  type TimeRange,
} from "./store.ts";

/** Options of {@linkcode MongoCassandraStore}. */
export interface MongoCassandraStoreOptions {
  /** MongoDB URL, e.g. `mongodb://127.0.0.1:27017/`. */
  readonly mongoUrl: string;
  /** MongoDB database. Default `iot`. */
  readonly database?: string;
  /** Cassandra contact points (`host:port`). */
  readonly cassandraContactPoints: readonly string[];
  /** Cassandra local data center. Default `datacenter1`. */
  readonly localDataCenter?: string;
  /** Keyspace. Default `iot_data`. */
  readonly keyspace?: string;
  /** Days an aggregate query without `from` looks back (one partition per device and day). */
  readonly openRangeDays?: number;
  /** The clock, for open-ended aggregate ranges. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * How old a stored aggregate must be before the live stream sends it, in ms: at least the
   * node's write timeout (`write_request_timeout`, 2 s by default), so no write lands behind a
   * cursor already handed out. Default 2 000.
   */
  readonly tailSettleMs?: number;
}

const DAY = 86_400_000;
/** Hour partitions a cross-device range query reads concurrently. */
const HOURS_AT_ONCE = 24;
const AGGREGATE_COLUMNS = "device_id, window_start, window_end, count, temp_avg, temp_min, " +
  "temp_max, humidity_avg, humidity_min, humidity_max";
const bucketOf = (ms: number) =>
  Math.floor(ms / cassandraLayout.bucketMs) * cassandraLayout.bucketMs;
/** Cassandra's snake_case aggregate rows. */
const aggregateOf = fromSnake(aggregate);
const range = (field: string, r: TimeRange) => {
  const cond: Record<string, Date> = {};
  if (r.from !== undefined) cond.$gte = new Date(r.from);
  if (r.to !== undefined) cond.$lt = new Date(r.to);
  return Object.keys(cond).length ? { [field]: cond } : {};
};

/** One alert from its event documents (active and/or cleared) and its acknowledgement. */
function alertRowView(rows: Document[], ack: Document | undefined): AlertView {
  const active = rows.find((r) => r.state === "active");
  const cleared = rows.find((r) => r.state === "cleared");
  return alertViewOf({
    ...(active ?? cleared!),
    raisedAt: active?.ts ?? null,
    clearedAt: cleared?.ts ?? null,
    ackedAt: ack?.ackedAt ?? null,
    ackedBy: ack?.ackedBy ?? null,
  });
}

/** The MongoDB + Cassandra stores, read by the API. */
export class MongoCassandraStore implements ApiStore, AsyncDisposable {
  readonly #mongo: MongoClient;
  readonly #cassandra: cassandra.Client;
  readonly #db: string;
  readonly #ks: string;
  readonly #openRangeDays: number;
  readonly #now: () => number;
  readonly #settleMs: number;

  /** Creates the clients; they connect on first use. */
  constructor(options: MongoCassandraStoreOptions) {
    this.#mongo = new MongoClient(options.mongoUrl, { serverSelectionTimeoutMS: 5_000 });
    this.#cassandra = new cassandra.Client({
      contactPoints: [...options.cassandraContactPoints],
      localDataCenter: options.localDataCenter ?? "datacenter1",
    });
    this.#db = options.database ?? "iot";
    this.#ks = options.keyspace ?? cassandraLayout.keyspace;
    this.#openRangeDays = options.openRangeDays ?? 30;
    this.#now = options.now ?? Date.now;
    this.#settleMs = options.tailSettleMs ?? 2_000;
  }

  #c(name: string): Collection {
    return this.#mongo.db(this.#db).collection(name);
  }

  async #facts(deviceId: string): Promise<DeviceFacts> {
    const last = await this.#c(M.climateReadings).find({ deviceId }).sort({ ts: -1 }).limit(1)
      .next();
    const succeeded = await this.#c(M.commandStatus).find({ deviceId, status: "succeeded" })
      .sort({ ts: -1 }).limit(1).next();
    const cmd = succeeded
      ? await this.#c(M.deviceCommands).findOne({ _id: succeeded.commandId })
      : null;
    const rows = await this.#c(M.alerts).find({ deviceId }).toArray();
    const cleared = new Set(rows.filter((r) => r.state === "cleared").map((r) => r.alertId));
    const activeAlerts = rows.filter((r) => r.state === "active" && !cleared.has(r.alertId));
    return {
      deviceId,
      lastReading: last ? readingOf(last) : null,
      lastSucceededCommand: (cmd?.command as DeviceCommand["command"]) ?? null,
      activeAlerts: activeAlerts.length,
    };
  }

  async #deviceIds(after: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    while (ids.length < limit) {
      const next = await this.#c(M.climateReadings).find({ deviceId: { $gt: after } })
        .sort({ deviceId: 1, ts: 1 }).limit(1).next();
      if (!next) break;
      ids.push(after = next.deviceId);
    }
    return ids;
  }

  async listDevices(page: PageRequest): Promise<Page<DeviceFacts>> {
    const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : "";
    const ids = await this.#deviceIds(after, page.limit + 1);
    const facts = await Promise.all(ids.slice(0, page.limit).map((id) => this.#facts(id)));
    if (ids.length > page.limit) facts.push({ deviceId: ids[page.limit] } as DeviceFacts);
    return pageOf(facts, page.limit, (d) => [d.deviceId]);
  }

  async device(deviceId: string): Promise<DeviceFacts | null> {
    const facts = await this.#facts(deviceId);
    if (facts.lastReading) return facts;
    return (await this.#c(M.deviceCommands).findOne({ deviceId })) ? facts : null;
  }

  async readings(
    deviceId: string,
    r: TimeRange,
    page: PageRequest,
  ): Promise<Page<ClimateReading>> {
    const filter: Document = { deviceId, ...range("ts", r) };
    if (page.cursor) {
      const after = new Date(String(decodeCursor(page.cursor, 1)[0]));
      filter.ts = { ...filter.ts, $gt: after };
    }
    const rows = await this.#c(M.climateReadings).find(filter).sort({ ts: 1 })
      .limit(page.limit + 1).toArray();
    return pageOf(rows.map(readingOf), page.limit, (x) => [x.ts]);
  }

  /** Aggregates of `devices` for the days `r` covers, sorted by window start then device. */
  async #aggregateRows(devices: string[], r: TimeRange): Promise<WindowAggregate[]> {
    const to = r.to ?? this.#now() + DAY;
    const from = r.from ?? to - this.#openRangeDays * DAY;
    const days: string[] = [];
    for (let d = Math.floor(from / DAY) * DAY; d < to; d += DAY) {
      days.push(new Date(d).toISOString().slice(0, 10));
    }
    const table = `${this.#ks}.${cassandraLayout.windowAggregates.table}`;
    const query = `SELECT * FROM ${table} WHERE device_id = ? AND day = ? ` +
      "AND window_start >= ? AND window_start < ?";
    const results = await Promise.all(
      devices.flatMap((device) =>
        days.map((day) =>
          this.#cassandra.execute(
            query,
            [device, cassandra.types.LocalDate.fromString(day), new Date(from), new Date(to)],
            { prepare: true },
          )
        )
      ),
    );
    const rows = results.flatMap((rs) => rs.rows).map(aggregateOf);
    const key = (a: WindowAggregate) => [a.windowStart, a.deviceId];
    return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  async aggregates(
    r: TimeRange,
    page: PageRequest,
    deviceId?: string,
  ): Promise<Page<WindowAggregate>> {
    const after = page.cursor ? decodeCursor(page.cursor, 2).map(String) : ["", ""];
    if (deviceId === undefined) return this.#aggregatesAcross(r, page.limit, after);
    const rows = (await this.#aggregateRows([deviceId], r))
      .filter((a) =>
        a.windowStart > after[0] || (a.windowStart === after[0] && a.deviceId > after[1])
      );
    return pageOf(rows.slice(0, page.limit + 1), page.limit, (a) => [a.windowStart, a.deviceId]);
  }

  /**
   * Every device's aggregates in a window range from the window-hour table: the range's hour
   * partitions in order (a few at a time), one clustering slice each, until a page is full.
   */
  async #aggregatesAcross(
    r: TimeRange,
    limit: number,
    after: string[],
  ): Promise<Page<WindowAggregate>> {
    const to = r.to ?? this.#now() + cassandraLayout.bucketMs;
    const from = r.from ?? to - this.#openRangeDays * DAY;
    const t = `${this.#ks}.${cassandraLayout.windowAggregatesByWindow.table}`;
    // One lower bound: CQL takes no second start bound on the clustering columns.
    const resume = after[0] !== "" && Date.parse(after[0]) >= from;
    const lower = resume ? "(window_start, device_id) > (?, ?)" : "(window_start) >= (?)";
    const query = `SELECT ${AGGREGATE_COLUMNS} FROM ${t} WHERE window_hour = ? AND ${lower} ` +
      "AND (window_start) < (?) LIMIT ?";
    const bound = resume ? [new Date(after[0]), after[1]] : [new Date(from)];
    const rows: WindowAggregate[] = [];
    const hours: number[] = [];
    const first = bucketOf(resume ? Date.parse(after[0]) : from);
    for (let h = first; h < to; h += cassandraLayout.bucketMs) hours.push(h);
    for (let i = 0; i < hours.length && rows.length <= limit; i += HOURS_AT_ONCE) {
      const results = await Promise.all(
        hours.slice(i, i + HOURS_AT_ONCE).map((h) =>
          this.#cassandra.execute(query, [new Date(h), ...bound, new Date(to), limit + 1], {
            prepare: true,
          })
        ),
      );
      rows.push(...results.flatMap((rs) => rs.rows.map(aggregateOf)));
    }
    return pageOf(rows.slice(0, limit + 1), limit, (a) => [a.windowStart, a.deviceId]);
  }

  async #alertViews(filter: Document): Promise<AlertView[]> {
    const rows = await this.#c(M.alerts).find(filter).toArray();
    const byId = Map.groupBy(rows, (r) => String(r.alertId));
    const acks = await this.#c(M.alertAcks).find({ _id: { $in: [...byId.keys()] } as never })
      .toArray();
    const ackOf = new Map(acks.map((a) => [String(a._id), a]));
    return [...byId].map(([id, group]) => alertRowView(group, ackOf.get(id)));
  }

  async alerts(filter: AlertFilter, page: PageRequest): Promise<Page<AlertView>> {
    const sortTs = (a: AlertView) => a.raisedAt ?? a.clearedAt ?? "";
    let views = await this.#alertViews(filter.deviceId ? { deviceId: filter.deviceId } : {});
    if (filter.state) views = views.filter((a) => a.state === filter.state);
    if (filter.severity) views = views.filter((a) => a.severity === filter.severity);
    if (filter.from !== undefined) {
      views = views.filter((a) => Date.parse(sortTs(a)) >= filter.from!);
    }
    if (filter.to !== undefined) views = views.filter((a) => Date.parse(sortTs(a)) < filter.to!);
    const key = (a: AlertView) => `${sortTs(a)}\u0000${a.alertId}`;
    views.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
    if (page.cursor) {
      const [ts, id] = decodeCursor(page.cursor, 2);
      const after = `${ts}\u0000${id}`;
      views = views.filter((a) => key(a) < after);
    }
    return pageOf(views.slice(0, page.limit + 1), page.limit, (a) => [sortTs(a), a.alertId]);
  }

  async alert(alertId: string): Promise<AlertView | null> {
    return (await this.#alertViews({ alertId }))[0] ?? null;
  }

  async ackAlert(alertId: string, at: string, by: string): Promise<boolean> {
    if (!(await this.#c(M.alerts).findOne({ alertId }))) return false;
    // Insert-if-absent: the first acknowledgement is kept.
    await this.#c(M.alertAcks).updateOne(
      { _id: alertId as never },
      { $setOnInsert: { ackedAt: new Date(at), ackedBy: by } },
      { upsert: true },
    );
    return true;
  }

  async recordCommand(c: DeviceCommand): Promise<void> {
    await this.#c(M.deviceCommands).insertOne({
      _id: c.commandId as never,
      ...c,
      issuedAt: new Date(c.issuedAt),
      expiresAt: new Date(c.expiresAt),
    });
  }

  async forgetCommand(commandId: string): Promise<void> {
    await this.#c(M.deviceCommands).deleteOne({ _id: commandId as never });
  }

  async #commandView(d: Document): Promise<CommandView> {
    const statuses = await this.#c(M.commandStatus).find({ commandId: d.commandId })
      .sort({ ts: 1, status: 1 }).toArray();
    return commandViewOf(d, statuses);
  }

  async commands(deviceId: string, page: PageRequest): Promise<Page<CommandView>> {
    const filter: Document = { deviceId };
    if (page.cursor) {
      const [at, id] = decodeCursor(page.cursor, 2);
      filter.$or = [
        { issuedAt: { $lt: new Date(String(at)) } },
        { issuedAt: new Date(String(at)), commandId: { $lt: String(id) } },
      ];
    }
    const rows = await this.#c(M.deviceCommands).find(filter).sort({ issuedAt: -1, commandId: -1 })
      .limit(page.limit + 1).toArray();
    const p = pageOf(rows, page.limit, (r) => [isoOf(r.issuedAt), String(r.commandId)]);
    return {
      items: await Promise.all(p.items.map((r) => this.#commandView(r))),
      nextCursor: p.nextCursor,
    };
  }

  async command(commandId: string): Promise<CommandView | null> {
    const d = await this.#c(M.deviceCommands).findOne({ _id: commandId as never });
    return d ? await this.#commandView(d) : null;
  }

  async vehicleMaxima(page: PageRequest): Promise<Page<VehiclePressureMax>> {
    const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : "";
    const rows = await this.#c(M.vehiclePressureMax).find({ vehicleId: { $gt: after } })
      .sort({ vehicleId: 1 }).limit(page.limit + 1).toArray();
    return pageOf(rows.map(vehicleMaxOf), page.limit, (v) => [v.vehicleId]);
  }

  async vehicleMax(vehicleId: string): Promise<VehiclePressureMax | null> {
    const d = await this.#c(M.vehiclePressureMax).findOne({ vehicleId });
    return d ? vehicleMaxOf(d) : null;
  }

  async vehicleMaxHistory(
    vehicleId: string,
    r: TimeRange,
    page: PageRequest,
  ): Promise<Page<VehiclePressureReading>> {
    // A new maximum beats every earlier reading of the vehicle: scan its readings in time order.
    const cursor = this.#c(M.vehiclePressure).find({ vehicleId }).sort({ ts: 1, sensorId: 1 });
    const after = page.cursor ? decodeCursor(page.cursor, 2).map(String) : ["", ""];
    const out: VehiclePressureReading[] = [];
    let max = -Infinity;
    for await (const d of cursor) {
      if (d.pressure <= max) continue;
      max = d.pressure;
      const v = vehicleReadingOf(d);
      const t = Date.parse(v.ts);
      if (r.from !== undefined && t < r.from) continue;
      if (r.to !== undefined && t >= r.to) break;
      if (v.ts < after[0] || (v.ts === after[0] && v.sensorId <= after[1])) continue;
      out.push(v);
      if (out.length > page.limit) break;
    }
    await cursor.close();
    return pageOf(out, page.limit, (v) => [v.ts, v.sensorId]);
  }

  async deadLetters(page: PageRequest): Promise<Page<DeadLetterView>> {
    const filter: Document = {};
    if (page.cursor) {
      const [ts, part, off] = decodeCursor(page.cursor, 3).map(Number);
      filter.$or = [
        { kafkaTimestamp: { $lt: new Date(ts) } },
        { kafkaTimestamp: new Date(ts), kafkaPartition: { $lt: part } },
        { kafkaTimestamp: new Date(ts), kafkaPartition: part, kafkaOffset: { $lt: off } },
      ];
    }
    const rows = await this.#c(M.deadLetter).find(filter)
      .sort({ kafkaTimestamp: -1, kafkaPartition: -1, kafkaOffset: -1 })
      .limit(page.limit + 1).toArray();
    const p = pageOf(rows, page.limit, (d) => [
      d.kafkaTimestamp instanceof Date ? d.kafkaTimestamp.getTime() : -1,
      d.kafkaPartition,
      d.kafkaOffset,
    ]);
    return { items: p.items.map(deadLetterOf), nextCursor: p.nextCursor };
  }

  async tailReadings(
    deviceId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<TailBatch<ClimateReading>> {
    const c = this.#c(M.climateReadings);
    let p = -1, o = -1;
    if (cursor) [p, o] = decodeCursor(cursor, 2, "Last-Event-ID").map(Number);
    else {
      const head = await c.find({ deviceId }).sort({ kafkaPartition: -1, kafkaOffset: -1 })
        .limit(1).next();
      if (head) [p, o] = [head.kafkaPartition, head.kafkaOffset];
    }
    const rows = await c.find({
      deviceId,
      $or: [{ kafkaPartition: { $gt: p } }, { kafkaPartition: p, kafkaOffset: { $gt: o } }],
    }).sort({ kafkaPartition: 1, kafkaOffset: 1 }).limit(limit).toArray();
    const events = rows.map((d) => ({
      cursor: encodeCursor([d.kafkaPartition, d.kafkaOffset]),
      value: readingOf(d),
    }));
    return batchOf(events, [p, o]);
  }

  async tailAggregates(
    cursor: string | undefined,
    limit: number,
  ): Promise<TailBatch<WindowAggregate>> {
    // The ingest-ordered table: rows ordered by the timeuuid the node gave them when stored. Only
    // rows older than the settle delay are read, so a write that took that long to land (the
    // node's write timeout) is still ahead of every cursor handed out.
    const { TimeUuid } = cassandra.types;
    // The timeuuids are the node's clock, so this reads the real one, not the `now` option.
    const now = Date.now();
    const upTo = now - this.#settleMs;
    const after = cursor
      ? TimeUuid.fromString(String(decodeCursor(cursor, 1, "Last-Event-ID")[0]))
      : TimeUuid.max(new Date(now), 9999);
    const t = cassandraLayout.windowAggregatesByIngest;
    const query = `SELECT ingested_at, ${AGGREGATE_COLUMNS} FROM ${this.#ks}.${t.table} ` +
      "WHERE ingest_hour = ? AND ingested_at > ? AND ingested_at <= ? LIMIT ?";
    const events: Tailed<WindowAggregate>[] = [];
    // From the hour before the cursor's: the writer's hour and the node's timeuuid may differ.
    const hour = cassandraLayout.bucketMs;
    for (
      let h = bucketOf(after.getDate().getTime()) - hour;
      h <= upTo && events.length < limit;
      h += hour
    ) {
      const rs = await this.#cassandra.execute(
        query,
        [new Date(h), after, TimeUuid.max(new Date(upTo), 9999), limit - events.length],
        { prepare: true },
      );
      for (const row of rs.rows) {
        events.push({
          cursor: encodeCursor([row.ingested_at.toString()]),
          value: aggregateOf(row),
        });
      }
    }
    return { events, cursor: events.at(-1)?.cursor ?? encodeCursor([after.toString()]) };
  }

  async tailAlerts(cursor: string | undefined, limit: number): Promise<TailBatch<AlertView>> {
    // Resume by Kafka position (the sink writes each partition's alerts in offset order), not by
    // event time: an alert raised earlier but stored later is still found.
    const c = this.#c(M.alerts);
    const offsets = cursor ? decodeOffsets(cursor, "Last-Event-ID") : await this.#headOffsets(c);
    const seen = [...offsets.keys()];
    const rows = await c.find({
      $or: [
        ...seen.map((p) => ({ kafkaPartition: p, kafkaOffset: { $gt: offsets.get(p)! } })),
        { kafkaPartition: { $nin: seen } },
      ],
    }).sort({ kafkaPartition: 1, kafkaOffset: 1 }).limit(limit).toArray();
    const acks = await this.#c(M.alertAcks)
      .find({ _id: { $in: rows.map((d) => d.alertId) } as never }).toArray();
    const ackOf = new Map(acks.map((a) => [String(a._id), a]));
    const events = rows.map((d) => {
      offsets.set(d.kafkaPartition, d.kafkaOffset);
      return { cursor: encodeOffsets(offsets), value: alertRowView([d], ackOf.get(d.alertId)) };
    });
    return { events, cursor: events.at(-1)?.cursor ?? encodeOffsets(offsets) };
  }

  /** The last offset stored per partition of a collection's records. */
  async #headOffsets(c: Collection): Promise<OffsetVector> {
    const partitions = await c.distinct("kafkaPartition");
    const heads = await Promise.all(
      partitions.map((p) =>
        c.find({ kafkaPartition: p }).sort({ kafkaOffset: -1 }).limit(1).next()
      ),
    );
    return new Map(heads.filter((d) => d).map((d) => [d!.kafkaPartition, d!.kafkaOffset]));
  }

  async ping(): Promise<boolean> {
    try {
      await this.#mongo.db(this.#db).command({ ping: 1 });
      await this.#cassandra.execute("SELECT release_version FROM system.local");
      return true;
    } catch {
      return false;
    }
  }

  /** Closes both clients. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#mongo.close();
    await this.#cassandra.shutdown();
  }
}
