/**
 * The librdkafka Admin API symbol table (topics, configs, consumer-group offsets). C signatures
 * are given as trailing comments. Admin requests only enqueue work; their results arrive as
 * events on a queue the caller passes, waited for with `rd_kafka_queue_poll_blocking`.
 *
 * @module
 */

/** Admin API symbols. */
export const adminSymbols = {
  // rd_kafka_queue_poll on a worker thread, to wait for an admin result without blocking JS.
  rd_kafka_queue_poll_blocking: {
    name: "rd_kafka_queue_poll",
    parameters: ["pointer", "i32"], // (rd_kafka_queue_t *rkqu, int timeout_ms)
    result: "pointer", // rd_kafka_event_t *
    nonblocking: true,
  },
  rd_kafka_queue_yield: { parameters: ["pointer"], result: "void" }, // void (rd_kafka_queue_t *rkqu)

  rd_kafka_AdminOptions_new: { parameters: ["pointer", "i32"], result: "pointer" }, // rd_kafka_AdminOptions_t *(rk, rd_kafka_admin_op_t for_api)
  rd_kafka_AdminOptions_destroy: { parameters: ["pointer"], result: "void" }, // void (rd_kafka_AdminOptions_t *)
  rd_kafka_AdminOptions_set_request_timeout: {
    parameters: ["pointer", "i32", "buffer", "usize"], // (options, int timeout_ms, char *errstr, size_t errstr_size)
    result: "i32", // rd_kafka_resp_err_t
  },
  rd_kafka_AdminOptions_set_operation_timeout: {
    parameters: ["pointer", "i32", "buffer", "usize"], // (options, int timeout_ms, char *errstr, size_t errstr_size)
    result: "i32", // rd_kafka_resp_err_t
  },

  rd_kafka_topic_result_error: { parameters: ["pointer"], result: "i32" }, // rd_kafka_resp_err_t (const rd_kafka_topic_result_t *)
  rd_kafka_topic_result_error_string: { parameters: ["pointer"], result: "pointer" }, // const char *(const rd_kafka_topic_result_t *)
  rd_kafka_topic_result_name: { parameters: ["pointer"], result: "pointer" }, // const char *(const rd_kafka_topic_result_t *)
  rd_kafka_group_result_error: { parameters: ["pointer"], result: "pointer" }, // const rd_kafka_error_t *(const rd_kafka_group_result_t *), owned by the result
  rd_kafka_group_result_name: { parameters: ["pointer"], result: "pointer" }, // const char *(const rd_kafka_group_result_t *)
  rd_kafka_group_result_partitions: { parameters: ["pointer"], result: "pointer" }, // const rd_kafka_topic_partition_list_t *(const rd_kafka_group_result_t *)

  rd_kafka_NewTopic_new: {
    parameters: ["buffer", "i32", "i32", "buffer", "usize"], // (const char *topic, int num_partitions, int replication_factor, char *errstr, size_t errstr_size)
    result: "pointer", // rd_kafka_NewTopic_t *
  },
  rd_kafka_NewTopic_destroy: { parameters: ["pointer"], result: "void" }, // void (rd_kafka_NewTopic_t *)
  rd_kafka_NewTopic_set_config: {
    parameters: ["pointer", "buffer", "buffer"], // (rd_kafka_NewTopic_t *, const char *name, const char *value)
    result: "i32", // rd_kafka_resp_err_t
  },
  rd_kafka_CreateTopics: {
    parameters: ["pointer", "buffer", "usize", "pointer", "pointer"], // (rk, rd_kafka_NewTopic_t **new_topics, size_t cnt, const rd_kafka_AdminOptions_t *, rd_kafka_queue_t *rkqu)
    result: "void",
  },
  rd_kafka_event_CreateTopics_result: { parameters: ["pointer"], result: "pointer" }, // const rd_kafka_CreateTopics_result_t *(rkev)
  rd_kafka_CreateTopics_result_topics: {
    parameters: ["pointer", "buffer"], // (const rd_kafka_CreateTopics_result_t *, size_t *cntp)
    result: "pointer", // const rd_kafka_topic_result_t **
  },

  rd_kafka_DeleteTopic_new: { parameters: ["buffer"], result: "pointer" }, // rd_kafka_DeleteTopic_t *(const char *topic)
  rd_kafka_DeleteTopic_destroy: { parameters: ["pointer"], result: "void" }, // void (rd_kafka_DeleteTopic_t *)
  rd_kafka_DeleteTopics: {
    parameters: ["pointer", "buffer", "usize", "pointer", "pointer"], // (rk, rd_kafka_DeleteTopic_t **del_topics, size_t cnt, options, rkqu)
    result: "void",
  },
  rd_kafka_event_DeleteTopics_result: { parameters: ["pointer"], result: "pointer" }, // const rd_kafka_DeleteTopics_result_t *(rkev)
  rd_kafka_DeleteTopics_result_topics: {
    parameters: ["pointer", "buffer"], // (const rd_kafka_DeleteTopics_result_t *, size_t *cntp)
    result: "pointer", // const rd_kafka_topic_result_t **
  },

  rd_kafka_NewPartitions_new: {
    parameters: ["buffer", "usize", "buffer", "usize"], // (const char *topic, size_t new_total_cnt, char *errstr, size_t errstr_size)
    result: "pointer", // rd_kafka_NewPartitions_t *
  },
  rd_kafka_NewPartitions_destroy: { parameters: ["pointer"], result: "void" }, // void (rd_kafka_NewPartitions_t *)
  rd_kafka_CreatePartitions: {
    parameters: ["pointer", "buffer", "usize", "pointer", "pointer"], // (rk, rd_kafka_NewPartitions_t **new_parts, size_t cnt, options, rkqu)
    result: "void",
  },
  rd_kafka_event_CreatePartitions_result: { parameters: ["pointer"], result: "pointer" }, // const rd_kafka_CreatePartitions_result_t *(rkev)
  rd_kafka_CreatePartitions_result_topics: {
    parameters: ["pointer", "buffer"], // (const rd_kafka_CreatePartitions_result_t *, size_t *cntp)
    result: "pointer", // const rd_kafka_topic_result_t **
  },

  rd_kafka_ConfigResource_new: { parameters: ["i32", "buffer"], result: "pointer" }, // rd_kafka_ConfigResource_t *(rd_kafka_ResourceType_t restype, const char *resname)
  rd_kafka_ConfigResource_destroy: { parameters: ["pointer"], result: "void" }, // void (rd_kafka_ConfigResource_t *)
  rd_kafka_ConfigResource_configs: {
    parameters: ["pointer", "buffer"], // (const rd_kafka_ConfigResource_t *, size_t *cntp)
    result: "pointer", // const rd_kafka_ConfigEntry_t **
  },
  rd_kafka_ConfigResource_name: { parameters: ["pointer"], result: "pointer" }, // const char *(const rd_kafka_ConfigResource_t *)
  rd_kafka_ConfigResource_error: { parameters: ["pointer"], result: "i32" }, // rd_kafka_resp_err_t (const rd_kafka_ConfigResource_t *)
  rd_kafka_ConfigResource_error_string: { parameters: ["pointer"], result: "pointer" }, // const char *(const rd_kafka_ConfigResource_t *)
  rd_kafka_ConfigEntry_name: { parameters: ["pointer"], result: "pointer" }, // const char *(const rd_kafka_ConfigEntry_t *)
  rd_kafka_ConfigEntry_value: { parameters: ["pointer"], result: "pointer" }, // const char *(const rd_kafka_ConfigEntry_t *), NULL if unset or sensitive
  rd_kafka_ConfigEntry_is_default: { parameters: ["pointer"], result: "i32" }, // int (const rd_kafka_ConfigEntry_t *)
  rd_kafka_DescribeConfigs: {
    parameters: ["pointer", "buffer", "usize", "pointer", "pointer"], // (rk, rd_kafka_ConfigResource_t **configs, size_t cnt, options, rkqu)
    result: "void",
  },
  rd_kafka_event_DescribeConfigs_result: { parameters: ["pointer"], result: "pointer" }, // const rd_kafka_DescribeConfigs_result_t *(rkev)
  rd_kafka_DescribeConfigs_result_resources: {
    parameters: ["pointer", "buffer"], // (const rd_kafka_DescribeConfigs_result_t *, size_t *cntp)
    result: "pointer", // const rd_kafka_ConfigResource_t **
  },

  rd_kafka_ListConsumerGroupOffsets_new: {
    parameters: ["buffer", "pointer"], // (const char *group_id, const rd_kafka_topic_partition_list_t *partitions), list copied; NULL = all
    result: "pointer", // rd_kafka_ListConsumerGroupOffsets_t *
  },
  rd_kafka_ListConsumerGroupOffsets_destroy: { parameters: ["pointer"], result: "void" }, // void (rd_kafka_ListConsumerGroupOffsets_t *)
  rd_kafka_ListConsumerGroupOffsets: {
    parameters: ["pointer", "buffer", "usize", "pointer", "pointer"], // (rk, rd_kafka_ListConsumerGroupOffsets_t **, size_t cnt (must be 1), options, rkqu)
    result: "void",
  },
  rd_kafka_event_ListConsumerGroupOffsets_result: { parameters: ["pointer"], result: "pointer" }, // const rd_kafka_ListConsumerGroupOffsets_result_t *(rkev)
  rd_kafka_ListConsumerGroupOffsets_result_groups: {
    parameters: ["pointer", "buffer"], // (const rd_kafka_ListConsumerGroupOffsets_result_t *, size_t *cntp)
    result: "pointer", // const rd_kafka_group_result_t **
  },

  rd_kafka_ListConsumerGroups: { parameters: ["pointer", "pointer", "pointer"], result: "void" }, // (rk, const rd_kafka_AdminOptions_t *, rkqu)
  rd_kafka_event_ListConsumerGroups_result: { parameters: ["pointer"], result: "pointer" }, // const rd_kafka_ListConsumerGroups_result_t *(rkev)
  rd_kafka_ListConsumerGroups_result_valid: {
    parameters: ["pointer", "buffer"], // (const rd_kafka_ListConsumerGroups_result_t *, size_t *cntp)
    result: "pointer", // const rd_kafka_ConsumerGroupListing_t **
  },
  rd_kafka_ListConsumerGroups_result_errors: {
    parameters: ["pointer", "buffer"], // (const rd_kafka_ListConsumerGroups_result_t *, size_t *cntp)
    result: "pointer", // const rd_kafka_error_t **, owned by the result
  },
  rd_kafka_ConsumerGroupListing_group_id: { parameters: ["pointer"], result: "pointer" }, // const char *(const rd_kafka_ConsumerGroupListing_t *)
  rd_kafka_ConsumerGroupListing_is_simple_consumer_group: {
    parameters: ["pointer"],
    result: "i32",
  }, // int (const rd_kafka_ConsumerGroupListing_t *)
  rd_kafka_ConsumerGroupListing_state: { parameters: ["pointer"], result: "i32" }, // rd_kafka_consumer_group_state_t (const rd_kafka_ConsumerGroupListing_t *)
  rd_kafka_consumer_group_state_name: { parameters: ["i32"], result: "pointer" }, // const char *(rd_kafka_consumer_group_state_t)

  rd_kafka_DeleteGroup_new: { parameters: ["buffer"], result: "pointer" }, // rd_kafka_DeleteGroup_t *(const char *group)
  rd_kafka_DeleteGroup_destroy: { parameters: ["pointer"], result: "void" }, // void (rd_kafka_DeleteGroup_t *)
  rd_kafka_DeleteGroups: {
    parameters: ["pointer", "buffer", "usize", "pointer", "pointer"], // (rk, rd_kafka_DeleteGroup_t **del_groups, size_t cnt, options, rkqu)
    result: "void",
  },
  rd_kafka_event_DeleteGroups_result: { parameters: ["pointer"], result: "pointer" }, // const rd_kafka_DeleteGroups_result_t *(rkev)
  rd_kafka_DeleteGroups_result_groups: {
    parameters: ["pointer", "buffer"], // (const rd_kafka_DeleteGroups_result_t *, size_t *cntp)
    result: "pointer", // const rd_kafka_group_result_t **
  },
} as const satisfies Deno.ForeignLibraryInterface;
