/**
 * The librdkafka symbol table for handles, configuration, queues, events, producing and
 * consuming. C signatures are given as trailing comments; `buffer` parameters take
 * NUL-terminated strings or out-parameter slots, `pointer` parameters take native handles.
 * Calls that may block are `nonblocking` (run on a worker thread, return a promise).
 *
 * @module
 */

/** Core, producer and consumer symbols. */
export const coreSymbols = {
  rd_kafka_version: { parameters: [], result: "i32" }, // int rd_kafka_version(void)
  rd_kafka_version_str: { parameters: [], result: "pointer" }, // const char *(void)
  rd_kafka_err2str: { parameters: ["i32"], result: "pointer" }, // const char *(rd_kafka_resp_err_t)
  rd_kafka_err2name: { parameters: ["i32"], result: "pointer" }, // const char *(rd_kafka_resp_err_t)

  rd_kafka_conf_new: { parameters: [], result: "pointer" }, // rd_kafka_conf_t *(void)
  rd_kafka_conf_destroy: { parameters: ["pointer"], result: "void" }, // (rd_kafka_conf_t *)
  rd_kafka_conf_set: {
    parameters: [
      "pointer", // rd_kafka_conf_t *conf
      "buffer", // const char *name
      "buffer", // const char *value
      "buffer", // char *errstr
      "usize", // size_t errstr_size
    ],
    result: "i32", // rd_kafka_conf_res_t
  },
  rd_kafka_conf_set_events: { parameters: ["pointer", "i32"], result: "void" }, // (conf, int events)
  rd_kafka_conf_set_rebalance_cb: { parameters: ["pointer", "function"], result: "void" }, // (conf, cb)

  rd_kafka_new: {
    parameters: [
      "i32", // rd_kafka_type_t type
      "pointer", // rd_kafka_conf_t *conf (owned by rk on success)
      "buffer", // char *errstr
      "usize", // size_t errstr_size
    ],
    result: "pointer", // rd_kafka_t *
  },
  rd_kafka_destroy: { parameters: ["pointer"], result: "void", nonblocking: true }, // (rd_kafka_t *)
  rd_kafka_destroy_flags: { parameters: ["pointer", "i32"], result: "void", nonblocking: true }, // (rk, int flags)
  rd_kafka_name: { parameters: ["pointer"], result: "pointer" }, // const char *(rk)
  rd_kafka_memberid: { parameters: ["pointer"], result: "pointer" }, // char *(rk), free with rd_kafka_mem_free
  rd_kafka_mem_free: { parameters: ["pointer", "pointer"], result: "void" }, // (rk, void *ptr)
  rd_kafka_fatal_error: { parameters: ["pointer", "buffer", "usize"], result: "i32" }, // (rk, char *errstr, size_t)
  rd_kafka_set_log_queue: { parameters: ["pointer", "pointer"], result: "i32" }, // (rk, rkqu)
  rd_kafka_outq_len: { parameters: ["pointer"], result: "i32" }, // int (rk)

  rd_kafka_queue_get_main: { parameters: ["pointer"], result: "pointer" }, // rd_kafka_queue_t *(rk)
  rd_kafka_queue_get_consumer: { parameters: ["pointer"], result: "pointer" }, // rd_kafka_queue_t *(rk)
  rd_kafka_queue_new: { parameters: ["pointer"], result: "pointer" }, // rd_kafka_queue_t *(rk)
  rd_kafka_queue_destroy: { parameters: ["pointer"], result: "void" }, // (rkqu)
  rd_kafka_queue_length: { parameters: ["pointer"], result: "usize" }, // size_t (rkqu)
  rd_kafka_queue_poll: { parameters: ["pointer", "i32"], result: "pointer" }, // rd_kafka_event_t *(rkqu, int timeout_ms)
  rd_kafka_queue_io_event_enable: {
    parameters: [
      "pointer", // rd_kafka_queue_t *rkqu
      "i32", // int fd (non-blocking)
      "buffer", // const void *payload (copied)
      "usize", // size_t size
    ],
    result: "void",
  },

  rd_kafka_event_type: { parameters: ["pointer"], result: "i32" }, // rd_kafka_event_type_t (rkev)
  rd_kafka_event_destroy: { parameters: ["pointer"], result: "void" }, // (rkev)
  rd_kafka_event_message_array: {
    parameters: ["pointer", "buffer", "usize"], // (rkev, const rd_kafka_message_t **rkmessages, size_t size)
    result: "usize",
  },
  rd_kafka_event_message_count: { parameters: ["pointer"], result: "usize" }, // size_t (rkev)
  rd_kafka_event_error: { parameters: ["pointer"], result: "i32" }, // rd_kafka_resp_err_t (rkev)
  rd_kafka_event_error_string: { parameters: ["pointer"], result: "pointer" }, // const char *(rkev)
  rd_kafka_event_error_is_fatal: { parameters: ["pointer"], result: "i32" }, // int (rkev)
  rd_kafka_event_log: {
    parameters: ["pointer", "buffer", "buffer", "buffer"], // (rkev, const char **fac, const char **str, int *level)
    result: "i32",
  },
  rd_kafka_event_stats: { parameters: ["pointer"], result: "pointer" }, // const char *(rkev)

  rd_kafka_error_code: { parameters: ["pointer"], result: "i32" }, // (const rd_kafka_error_t *)
  rd_kafka_error_string: { parameters: ["pointer"], result: "pointer" }, // const char *(error)
  rd_kafka_error_is_fatal: { parameters: ["pointer"], result: "i32" }, // int (error)
  rd_kafka_error_is_retriable: { parameters: ["pointer"], result: "i32" }, // int (error)
  rd_kafka_error_txn_requires_abort: { parameters: ["pointer"], result: "i32" }, // int (error)
  rd_kafka_error_destroy: { parameters: ["pointer"], result: "void" }, // (error)

  rd_kafka_topic_new: { parameters: ["pointer", "buffer", "pointer"], result: "pointer" }, // (rk, const char *topic, rd_kafka_topic_conf_t *)
  rd_kafka_topic_destroy: { parameters: ["pointer"], result: "void" }, // (rkt)
  rd_kafka_topic_name: { parameters: ["pointer"], result: "pointer" }, // const char *(rkt)

  rd_kafka_topic_partition_list_new: { parameters: ["i32"], result: "pointer" }, // (int size)
  rd_kafka_topic_partition_list_add: {
    parameters: ["pointer", "buffer", "i32"], // (rktparlist, const char *topic, int32_t partition)
    result: "pointer", // rd_kafka_topic_partition_t *
  },
  rd_kafka_topic_partition_list_destroy: { parameters: ["pointer"], result: "void" }, // (rktparlist)

  rd_kafka_message_timestamp: { parameters: ["pointer", "buffer"], result: "i64" }, // (rkmessage, rd_kafka_timestamp_type_t *tstype)
  rd_kafka_message_headers: { parameters: ["pointer", "buffer"], result: "i32" }, // (rkmessage, rd_kafka_headers_t **hdrsp)
  rd_kafka_header_get_all: {
    parameters: ["pointer", "usize", "buffer", "buffer", "buffer"], // (hdrs, size_t idx, const char **name, const void **val, size_t *size)
    result: "i32",
  },
  rd_kafka_message_destroy: { parameters: ["pointer"], result: "void" }, // (rkmessage)
  // The same three calls taking the message's address as a 64-bit integer: a consumed batch's
  // message pointers are read as one BigUint64Array, sparing a pointer object per message.
  rd_kafka_message_destroy_at: {
    name: "rd_kafka_message_destroy",
    parameters: ["usize"],
    result: "void",
  }, // (rkmessage)
  rd_kafka_message_headers_at: {
    name: "rd_kafka_message_headers",
    parameters: ["usize", "buffer"],
    result: "i32",
  }, // (rkmessage, rd_kafka_headers_t **hdrsp)
  rd_kafka_message_timestamp_at: {
    name: "rd_kafka_message_timestamp",
    parameters: ["usize", "buffer"],
    result: "i64",
  }, // (rkmessage, rd_kafka_timestamp_type_t *tstype)
  rd_kafka_produceva: { parameters: ["pointer", "buffer", "usize"], result: "pointer" }, // rd_kafka_error_t *(rk, const rd_kafka_vu_t *vus, size_t cnt)
  rd_kafka_flush: { parameters: ["pointer", "i32"], result: "i32", nonblocking: true }, // (rk, int timeout_ms)
  rd_kafka_purge: { parameters: ["pointer", "i32"], result: "i32" }, // (rk, int purge_flags)

  rd_kafka_init_transactions: {
    parameters: ["pointer", "i32"],
    result: "pointer",
    nonblocking: true,
  }, // error_t *(rk, int timeout_ms)
  rd_kafka_begin_transaction: { parameters: ["pointer"], result: "pointer" }, // error_t *(rk)
  rd_kafka_send_offsets_to_transaction: {
    parameters: ["pointer", "pointer", "pointer", "i32"], // (rk, offsets, const rd_kafka_consumer_group_metadata_t *, int timeout_ms)
    result: "pointer",
    nonblocking: true,
  },
  rd_kafka_commit_transaction: {
    parameters: ["pointer", "i32"],
    result: "pointer",
    nonblocking: true,
  }, // error_t *(rk, int timeout_ms)
  rd_kafka_abort_transaction: {
    parameters: ["pointer", "i32"],
    result: "pointer",
    nonblocking: true,
  }, // error_t *(rk, int timeout_ms)
  rd_kafka_consumer_group_metadata: { parameters: ["pointer"], result: "pointer" }, // (rk)
  rd_kafka_consumer_group_metadata_destroy: { parameters: ["pointer"], result: "void" }, // (cgmd)
  rd_kafka_consumer_group_metadata_write: {
    parameters: ["pointer", "buffer", "buffer"],
    result: "pointer",
  }, // rd_kafka_error_t *(const cgmd *, void **bufferp, size_t *sizep)
  rd_kafka_consumer_group_metadata_read: {
    parameters: ["buffer", "buffer", "usize"],
    result: "pointer",
  }, // rd_kafka_error_t *(cgmd **cgmdp, const void *buffer, size_t size)

  rd_kafka_subscribe: { parameters: ["pointer", "pointer"], result: "i32" }, // (rk, const rd_kafka_topic_partition_list_t *topics)
  rd_kafka_unsubscribe: { parameters: ["pointer"], result: "i32" }, // (rk)
  rd_kafka_consume_batch_queue: {
    parameters: ["pointer", "i32", "buffer", "usize"], // (rkqu, int timeout_ms, rd_kafka_message_t **rkmessages, size_t rkmessages_size)
    result: "isize",
  },
  // Blocks the calling thread up to timeout_ms for the next message; its address as an integer.
  rd_kafka_consumer_poll: { parameters: ["pointer", "i32"], result: "usize" }, // rd_kafka_message_t *(rk, int timeout_ms)
  rd_kafka_assign: { parameters: ["pointer", "pointer"], result: "i32" }, // (rk, const rd_kafka_topic_partition_list_t *)
  rd_kafka_incremental_assign: { parameters: ["pointer", "pointer"], result: "pointer" }, // error_t *(rk, partitions)
  rd_kafka_incremental_unassign: { parameters: ["pointer", "pointer"], result: "pointer" }, // error_t *(rk, partitions)
  rd_kafka_rebalance_protocol: { parameters: ["pointer"], result: "pointer" }, // const char *(rk)
  rd_kafka_assignment_lost: { parameters: ["pointer"], result: "i32" }, // int (rk)
  rd_kafka_assignment: { parameters: ["pointer", "buffer"], result: "i32" }, // (rk, rd_kafka_topic_partition_list_t **partitions)
  rd_kafka_commit: { parameters: ["pointer", "pointer", "i32"], result: "i32", nonblocking: true }, // (rk, offsets, int async)
  rd_kafka_offsets_store: { parameters: ["pointer", "pointer"], result: "i32" }, // (rk, offsets)
  rd_kafka_committed: {
    parameters: ["pointer", "pointer", "i32"],
    result: "i32",
    nonblocking: true,
  }, // (rk, partitions, int timeout_ms)
  rd_kafka_position: { parameters: ["pointer", "pointer"], result: "i32" }, // (rk, partitions)
  rd_kafka_seek_partitions: {
    parameters: ["pointer", "pointer", "i32"],
    result: "pointer",
    nonblocking: true,
  }, // error_t *(rk, partitions, int timeout_ms)
  rd_kafka_pause_partitions: { parameters: ["pointer", "pointer"], result: "i32" }, // (rk, partitions)
  rd_kafka_resume_partitions: { parameters: ["pointer", "pointer"], result: "i32" }, // (rk, partitions)
  rd_kafka_query_watermark_offsets: {
    parameters: ["pointer", "buffer", "i32", "buffer", "buffer", "i32"], // (rk, topic, partition, int64_t *low, int64_t *high, timeout_ms)
    result: "i32",
    nonblocking: true,
  },
  rd_kafka_offsets_for_times: {
    parameters: ["pointer", "pointer", "i32"],
    result: "i32",
    nonblocking: true,
  }, // (rk, offsets, timeout_ms)
  rd_kafka_consumer_close_queue: { parameters: ["pointer", "pointer"], result: "pointer" }, // error_t *(rk, rkqu)
  rd_kafka_consumer_closed: { parameters: ["pointer"], result: "i32" }, // int (rk)
  rd_kafka_metadata: {
    parameters: ["pointer", "i32", "pointer", "buffer", "i32"], // (rk, int all_topics, rd_kafka_topic_t *only_rkt, const struct rd_kafka_metadata **metadatap, int timeout_ms)
    result: "i32",
    nonblocking: true,
  },
  rd_kafka_metadata_destroy: { parameters: ["pointer"], result: "void" }, // (const struct rd_kafka_metadata *)
} as const satisfies Deno.ForeignLibraryInterface;
