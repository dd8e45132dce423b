package iot.bench;

import java.time.Instant;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** `overheating`: sliding average temperature, alerts with hysteresis, shutdown commands. */
public final class Overheating {
  private Overheating() {}

  /** A window's average temperature. */
  public static class WindowAvg {
    public String deviceId;
    public long start;
    public long end;
    public double avg;
  }

  /** Running sum and count of temperatures. */
  public static class Avg implements AggregateFunction<Reading, double[], Double> {
    @Override
    public double[] createAccumulator() {
      return new double[2];
    }

    @Override
    public double[] add(Reading r, double[] a) {
      a[0] += r.temperature;
      a[1]++;
      return a;
    }

    @Override
    public Double getResult(double[] a) {
      return a[0] / a[1];
    }

    @Override
    public double[] merge(double[] a, double[] b) {
      a[0] += b[0];
      a[1] += b[1];
      return a;
    }
  }

  /** Attaches key and window to the average. */
  public static class Label extends ProcessWindowFunction<Double, WindowAvg, String, TimeWindow> {
    @Override
    public void process(String key, Context ctx, Iterable<Double> in, Collector<WindowAvg> out) {
      WindowAvg w = new WindowAvg();
      w.deviceId = key;
      w.start = ctx.window().getStart();
      w.end = ctx.window().getEnd();
      w.avg = in.iterator().next();
      out.collect(w);
    }
  }

  /** The alert state machine of processor/core/threshold_alert.ts plus the shutdown commands. */
  public static class Alerts extends KeyedProcessFunction<String, WindowAvg, Out> {
    private final String alerts, commands;
    private final double threshold, margin;
    private final long reissueMs = 60_000, ttlMs = 300_000;
    private transient ValueState<Long> raisedAt;
    private transient ValueState<Long> lastCommand;

    public Alerts(String alerts, String commands, double threshold, double margin) {
      this.alerts = alerts;
      this.commands = commands;
      this.threshold = threshold;
      this.margin = margin;
    }

    @Override
    public void open(OpenContext ctx) {
      raisedAt = getRuntimeContext().getState(new ValueStateDescriptor<>("raised-at", Long.class));
      lastCommand = getRuntimeContext().getState(new ValueStateDescriptor<>("command", Long.class));
    }

    @Override
    public void processElement(WindowAvg w, Context ctx, Collector<Out> out) throws Exception {
      Long raised = raisedAt.value();
      String alertId = "overheating-" + w.deviceId + "-" + (raised != null ? raised : w.end);
      if (raised == null && w.avg > threshold) {
        raisedAt.update(w.end);
        out.collect(alert(w, alertId, "active"));
        shutdown(w, alertId + "-shutdown", out);
      } else if (raised != null && w.avg < threshold - margin) {
        raisedAt.clear();
        lastCommand.clear();
        out.collect(alert(w, alertId, "cleared"));
      } else if (raised != null && w.avg > threshold) {
        Long last = lastCommand.value();
        if (w.end - (last != null ? last : raised) >= reissueMs) {
          shutdown(w, alertId + "-shutdown-" + w.end, out);
        }
      }
    }

    private Out alert(WindowAvg w, String alertId, String state) {
      String json = "{\"alertId\":\"" + alertId + "\",\"deviceId\":\"" + w.deviceId
          + "\",\"type\":\"overheating\",\"severity\":\"critical\",\"state\":\"" + state
          + "\",\"value\":" + w.avg + ",\"threshold\":" + threshold + ",\"windowStart\":\""
          + Instant.ofEpochMilli(w.start) + "\",\"windowEnd\":\"" + Instant.ofEpochMilli(w.end)
          + "\",\"ts\":\"" + Instant.ofEpochMilli(w.end) + "\"}";
      return new Out(alerts, w.deviceId, json, w.end);
    }

    private void shutdown(WindowAvg w, String commandId, Collector<Out> out) throws Exception {
      lastCommand.update(w.end);
      long now = System.currentTimeMillis();
      String json = "{\"commandId\":\"" + commandId + "\",\"deviceId\":\"" + w.deviceId
          + "\",\"command\":\"shutdown\",\"reason\":\"overheating: average temperature "
          + String.format("%.2f", w.avg) + " °C above " + threshold + " °C\",\"issuedAt\":\""
          + Instant.ofEpochMilli(now) + "\",\"expiresAt\":\"" + Instant.ofEpochMilli(now + ttlMs)
          + "\",\"eventTime\":\"" + Instant.ofEpochMilli(w.end) + "\"}";
      out.collect(new Out(commands, w.deviceId, json, now));
    }
  }
}
