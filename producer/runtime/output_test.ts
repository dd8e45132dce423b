import { assertEquals } from "@std/assert";
import { createReporter, type Progress, progressLine } from "./output.ts";

const progress: Progress = {
  sent: 1_234_567,
  acked: 1_200_000,
  failed: 0,
  rate: 987_654,
  stopped: 2,
  simTime: "2026-01-01T00:10:00.000Z",
  seconds: 1.25,
};

Deno.test("progressLine shows sent, rate, errors and devices shut down", () => {
  assertEquals(
    progressLine(progress),
    "sent 1,234,567  acked 1,200,000  987,654 msg/s  errors 0  shut down 2  sim 2026-01-01T00:10:00.000Z",
  );
});

Deno.test("JSON reporter: one object per line, progress at most once per interval", () => {
  const lines: string[] = [];
  const reporter = createReporter({ tty: false, write: (t) => lines.push(t), logIntervalMs: 1000 });
  reporter.progress(progress, 0);
  reporter.progress(progress, 500);
  reporter.progress(progress, 1000);
  reporter.event("invalid-command", { offset: 3 });
  reporter.summary(progress, { aborted: false });
  assertEquals(lines.length, 3);
  const parsed = lines.map((l) => {
    assertEquals(l.endsWith("\n"), true);
    return JSON.parse(l);
  });
  assertEquals(parsed.map((p) => [p.level, p.msg]), [
    ["info", "progress"],
    ["warn", "invalid-command"],
    ["info", "summary"],
  ]);
  assertEquals(parsed[2].sent, 1_234_567);
  assertEquals(parsed[2].aborted, false);
});

Deno.test("TTY reporter: a live line rewritten in place, cleared before other output", () => {
  const out: string[] = [];
  const reporter = createReporter({ tty: true, write: (t) => out.push(t) });
  reporter.progress(progress, 0);
  reporter.progress(progress, 100); // throttled
  reporter.event("command-status", { status: "succeeded" });
  reporter.event("pacing", { detail: "real time, 10 msgs/s, event time = wall clock" });
  reporter.summary(progress, {});
  assertEquals(out[0], `\r\x1b[2K${progressLine(progress)}`);
  assertEquals(out[1], "\r\x1b[2K");
  assertEquals(out[2], "command-status status=succeeded\n");
  assertEquals(out[3], "pacing: real time, 10 msgs/s, event time = wall clock\n");
  assertEquals(out[4].startsWith("done: sent 1,234,567"), true);
});
