package iot.bench;

import java.lang.management.ManagementFactory;

/** CPU time of this whole JVM process (every thread: tasks, GC, JIT, Kafka clients). */
final class Cpu {
  private Cpu() {}

  static long processNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
