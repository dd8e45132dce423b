package iot.bench;

import java.time.Instant;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** count + temperature/humidity avg/min/max of a window, as device-aggregates computes it. */
public class ClimateStats {
  public long count;
  public double tSum, tMin = Double.POSITIVE_INFINITY, tMax = Double.NEGATIVE_INFINITY;
  public double hSum, hMin = Double.POSITIVE_INFINITY, hMax = Double.NEGATIVE_INFINITY;

  /** Incremental accumulation (one accumulator per window). */
  public static class Agg implements AggregateFunction<Reading, ClimateStats, ClimateStats> {
    @Override
    public ClimateStats createAccumulator() {
      return new ClimateStats();
    }

    @Override
    public ClimateStats add(Reading r, ClimateStats a) {
      a.count++;
      a.tSum += r.temperature;
      a.tMin = Math.min(a.tMin, r.temperature);
      a.tMax = Math.max(a.tMax, r.temperature);
      a.hSum += r.humidity;
      a.hMin = Math.min(a.hMin, r.humidity);
      a.hMax = Math.max(a.hMax, r.humidity);
      return a;
    }

    @Override
    public ClimateStats getResult(ClimateStats a) {
      return a;
    }

    @Override
    public ClimateStats merge(ClimateStats a, ClimateStats b) {
      a.count += b.count;
      a.tSum += b.tSum;
      a.tMin = Math.min(a.tMin, b.tMin);
      a.tMax = Math.max(a.tMax, b.tMax);
      a.hSum += b.hSum;
      a.hMin = Math.min(a.hMin, b.hMin);
      a.hMax = Math.max(a.hMax, b.hMax);
      return a;
    }
  }

  /** The `WindowAggregate` JSON of one fired window. */
  public static class ToJson extends ProcessWindowFunction<ClimateStats, Out, String, TimeWindow> {
    private final String topic;

    public ToJson(String topic) {
      this.topic = topic;
    }

    @Override
    public void process(String key, Context ctx, Iterable<ClimateStats> in, Collector<Out> out) {
      ClimateStats a = in.iterator().next();
      TimeWindow w = ctx.window();
      String json = "{\"deviceId\":\"" + key + "\",\"windowStart\":\""
          + Instant.ofEpochMilli(w.getStart()) + "\",\"windowEnd\":\"" + Instant.ofEpochMilli(w.getEnd())
          + "\",\"count\":" + a.count
          + ",\"temperature\":{\"avg\":" + a.tSum / a.count + ",\"min\":" + a.tMin + ",\"max\":" + a.tMax
          + "},\"humidity\":{\"avg\":" + a.hSum / a.count + ",\"min\":" + a.hMin + ",\"max\":" + a.hMax
          + "}}";
      out.collect(new Out(topic, key, json, w.getEnd()));
    }
  }
}
