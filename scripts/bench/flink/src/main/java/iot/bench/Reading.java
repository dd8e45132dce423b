package iot.bench;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/** One climate reading of the `sensor-readings` topic (JSON, as @iot/events writes it). */
public class Reading {
  public String deviceId;
  public long ts;
  public double temperature;
  public double humidity;

  /** Records read by every source subtask of this JVM, and when the first one came. */
  static final AtomicLong READ = new AtomicLong();
  static volatile long firstNanos = 0;
  static volatile long firstCpuNanos = 0;

  /** Parses readings with Jackson, the way a Flink job reads JSON; counts them for the bench. */
  public static class Schema implements DeserializationSchema<Reading> {
    private transient ObjectMapper mapper;

    @Override
    public Reading deserialize(byte[] message) throws IOException {
      if (mapper == null) mapper = new ObjectMapper();
      if (READ.getAndIncrement() == 0) {
        firstNanos = System.nanoTime();
        firstCpuNanos = Cpu.processNanos();
      }
      JsonNode node = mapper.readTree(message);
      Reading r = new Reading();
      r.deviceId = node.get("deviceId").asText();
      r.ts = Instant.parse(node.get("ts").asText()).toEpochMilli();
      r.temperature = node.get("temperature").asDouble();
      r.humidity = node.get("humidity").asDouble();
      return r;
    }

    @Override
    public boolean isEndOfStream(Reading next) {
      return false;
    }

    @Override
    public TypeInformation<Reading> getProducedType() {
      return TypeInformation.of(Reading.class);
    }
  }
}
