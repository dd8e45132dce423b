package iot.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * The Flink peer of `deno task bench:flink`: runs one job in a local MiniCluster over a pre-filled
 * topic until it has read `events` records, then stops with a savepoint (not draining, so no
 * end-of-time windows fire, as when our processor stops) and prints one JSON line of figures.
 *
 * <p>Arguments, key=value: bootstrap, input, output, commands, job (aggregates|sliding|
 * overheating), events, parallelism, window-ms, slide-ms, checkpoint-ms, out-of-orderness-ms,
 * threshold, margin, dir (checkpoints and savepoints), run (names the group and transactions).
 */
public final class FlinkPeer {
  private FlinkPeer() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : argv) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    long events = Long.parseLong(a.get("events"));
    int parallelism = Integer.parseInt(a.get("parallelism"));
    String dir = a.get("dir");
    String run = a.get("run");

    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "file://" + dir + "/checkpoints");
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    env.enableCheckpointing(Long.parseLong(a.get("checkpoint-ms")), CheckpointingMode.EXACTLY_ONCE);

    KafkaSource<Reading> source = KafkaSource.<Reading>builder()
        .setBootstrapServers(a.get("bootstrap"))
        .setTopics(a.get("input"))
        .setGroupId("flink-" + run)
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setValueOnlyDeserializer(new Reading.Schema())
        .build();
    WatermarkStrategy<Reading> watermarks = WatermarkStrategy
        .<Reading>forBoundedOutOfOrderness(Duration.ofMillis(Long.parseLong(a.get("out-of-orderness-ms"))))
        .withTimestampAssigner((r, previous) -> r.ts);
    KeyedStream<Reading, String> readings =
        env.fromSource(source, watermarks, "readings").keyBy(r -> r.deviceId);

    Duration size = Duration.ofMillis(Long.parseLong(a.get("window-ms")));
    DataStream<Out> out;
    switch (a.get("job")) {
      case "aggregates" -> out = readings.window(TumblingEventTimeWindows.of(size))
          .aggregate(new ClimateStats.Agg(), new ClimateStats.ToJson(a.get("output")));
      case "sliding" -> out = readings
          .window(SlidingEventTimeWindows.of(size, Duration.ofMillis(Long.parseLong(a.get("slide-ms")))))
          .aggregate(new ClimateStats.Agg(), new ClimateStats.ToJson(a.get("output")));
      case "overheating" -> out = readings
          .window(SlidingEventTimeWindows.of(size, Duration.ofMillis(Long.parseLong(a.get("slide-ms")))))
          .aggregate(new Overheating.Avg(), new Overheating.Label())
          .keyBy(w -> w.deviceId)
          .process(new Overheating.Alerts(a.get("output"), a.get("commands"),
              Double.parseDouble(a.get("threshold")), Double.parseDouble(a.get("margin"))));
      default -> throw new IllegalArgumentException("unknown job " + a.get("job"));
    }
    out.sinkTo(KafkaSink.<Out>builder()
        .setBootstrapServers(a.get("bootstrap"))
        .setRecordSerializer(new Out.Serializer())
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix("flink-" + run)
        .setProperty("transaction.timeout.ms", "600000")
        .build());

    JobClient job = env.executeAsync("bench-" + a.get("job"));
    while (Reading.READ.get() < events) {
      if (job.getJobStatus().get().isGloballyTerminalState()) {
        throw new IllegalStateException("job ended early: " + job.getJobStatus().get());
      }
      Thread.sleep(20);
    }
    long readNanos = System.nanoTime() - Reading.firstNanos;
    job.stopWithSavepoint(false, "file://" + dir + "/savepoints", SavepointFormatType.CANONICAL).get();
    job.getJobExecutionResult().get();
    long wallNanos = System.nanoTime() - Reading.firstNanos;
    long cpuNanos = Cpu.processNanos() - Reading.firstCpuNanos;
    System.out.println("{\"read\":" + Reading.READ.get() + ",\"seconds\":" + wallNanos / 1e9
        + ",\"readSeconds\":" + readNanos / 1e9 + ",\"cpuSeconds\":" + cpuNanos / 1e9 + ",\"processCpuSeconds\":" + Cpu.processNanos() / 1e9
        + "}");
    System.exit(0);
  }
}
