/**
 * librdkafka statistics (`statistics.interval.ms`) parsed into typed metrics. Only the fields
 * operators act on are kept; `raw` holds the whole document (see librdkafka's STATISTICS.md).
 *
 * @module
 */

/** Per-broker connection metrics. */
export interface BrokerStats {
  /** Broker name, e.g. `127.0.0.1:9092/1`. */
  name: string;
  /** Broker node id (-1 for bootstrap brokers). */
  nodeId: number;
  /** Connection state, e.g. `UP`, `DOWN`. */
  state: string;
  /** Requests sent and awaiting a response. */
  outstandingRequests: number;
  /** Transmission and receive errors. */
  txErrors: number;
  rxErrors: number;
  /** Request round-trip time, average and p99, milliseconds. */
  rttAvgMs: number;
  rttP99Ms: number;
}

/** Per-partition metrics (consumer lag, fetch state). */
export interface PartitionStats {
  topic: string;
  partition: number;
  /** Messages in the partition's producer queue waiting to be sent. */
  queuedMessages: number;
  /** Consumer lag in messages (`hi_offset - committed`), -1 when unknown. */
  consumerLag: number;
  /** Partition high watermark, -1 when unknown. */
  highWatermark: number;
  /** Last committed offset, -1 when unknown. */
  committedOffset: number;
  /** Fetch state, e.g. `active`, `none`. */
  fetchState: string;
}

/** One statistics sample. */
export interface KafkaStats {
  /** Client instance name. */
  name: string;
  /** `producer` or `consumer`. */
  type: string;
  /** Wall-clock time of the sample, seconds since the epoch. */
  timeSeconds: number;
  /** Messages currently queued in the producer (including in-flight). */
  queuedMessages: number;
  /** Bytes currently queued in the producer. */
  queuedBytes: number;
  /** Totals since the client started. */
  txMessages: number;
  txBytes: number;
  rxMessages: number;
  rxBytes: number;
  /** Consumer group state (`up`, `wait-join`, ...) and rebalance count, if a group member. */
  groupState: string | null;
  rebalances: number;
  brokers: BrokerStats[];
  partitions: PartitionStats[];
  /** The whole statistics document as librdkafka emitted it. */
  raw: Record<string, unknown>;
}

type Json = Record<string, unknown>;

function num(v: unknown, fallback = 0): number {
  return typeof v === "number" ? v : fallback;
}

function obj(v: unknown): Json {
  return v !== null && typeof v === "object" ? v as Json : {};
}

/** Parses one librdkafka statistics JSON document. */
export function parseStats(json: string): KafkaStats {
  const raw = JSON.parse(json) as Json;
  const brokers = Object.values(obj(raw.brokers)).map((b): BrokerStats => {
    const broker = obj(b);
    const rtt = obj(broker.rtt);
    return {
      name: String(broker.name ?? ""),
      nodeId: num(broker.nodeid, -1),
      state: String(broker.state ?? ""),
      outstandingRequests: num(broker.outbuf_cnt) + num(broker.waitresp_cnt),
      txErrors: num(broker.txerrs),
      rxErrors: num(broker.rxerrs),
      rttAvgMs: num(rtt.avg) / 1000,
      rttP99Ms: num(rtt.p99) / 1000,
    };
  });
  const partitions: PartitionStats[] = [];
  for (const [topic, t] of Object.entries(obj(raw.topics))) {
    for (const p of Object.values(obj(obj(t).partitions))) {
      const partition = obj(p);
      const id = num(partition.partition, -1);
      if (id < 0) continue;
      partitions.push({
        topic,
        partition: id,
        queuedMessages: num(partition.msgq_cnt) + num(partition.xmit_msgq_cnt),
        consumerLag: num(partition.consumer_lag, -1),
        highWatermark: num(partition.hi_offset, -1),
        committedOffset: num(partition.committed_offset, -1),
        fetchState: String(partition.fetch_state ?? ""),
      });
    }
  }
  const cgrp = raw.cgrp === undefined ? null : obj(raw.cgrp);
  return {
    name: String(raw.name ?? ""),
    type: String(raw.type ?? ""),
    timeSeconds: num(raw.time),
    queuedMessages: num(raw.msg_cnt),
    queuedBytes: num(raw.msg_size),
    txMessages: num(raw.txmsgs),
    txBytes: num(raw.txmsg_bytes),
    rxMessages: num(raw.rxmsgs),
    rxBytes: num(raw.rxmsg_bytes),
    groupState: cgrp ? String(cgrp.state ?? "") : null,
    rebalances: cgrp ? num(cgrp.rebalance_cnt) : 0,
    brokers,
    partitions,
    raw,
  };
}
