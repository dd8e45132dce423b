package iot.bench;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import java.nio.charset.StandardCharsets;

/** One output record: topic, key, JSON value and timestamp. */
public class Out {
  public String topic;
  public String key;
  public String value;
  public long timestamp;

  public Out() {}

  Out(String topic, String key, String value, long timestamp) {
    this.topic = topic;
    this.key = key;
    this.value = value;
    this.timestamp = timestamp;
  }

  /** Writes {@link Out} records to their own topic. */
  public static class Serializer implements KafkaRecordSerializationSchema<Out> {
    @Override
    public ProducerRecord<byte[], byte[]> serialize(Out o, KafkaSinkContext ctx, Long ts) {
      return new ProducerRecord<>(o.topic, null, o.timestamp,
          o.key.getBytes(StandardCharsets.UTF_8), o.value.getBytes(StandardCharsets.UTF_8));
    }
  }
}
