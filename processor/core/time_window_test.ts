import { assertEquals, assertThrows } from "@std/assert";
import { assignWindows, gcd, mod, PaneLayout, session, sliding, tumbling } from "./time_window.ts";

Deno.test("tumbling: [start, end) — t: 0----59.999|60: 59 999 is in [0,60s), 60 000 in [60s,120s)", () => {
  const w = tumbling(60_000);
  assertEquals(assignWindows(w, 0), [{ start: 0, end: 60_000 }]);
  assertEquals(assignWindows(w, 59_999), [{ start: 0, end: 60_000 }]);
  assertEquals(assignWindows(w, 60_000), [{ start: 60_000, end: 120_000 }]);
  assertEquals(assignWindows(w, -1), [{ start: -60_000, end: 0 }]);
});

Deno.test("tumbling with offset shifts the grid", () => {
  assertEquals(assignWindows(tumbling(60, 15), 14), [{ start: -45, end: 15 }]);
  assertEquals(assignWindows(tumbling(60, 15), 15), [{ start: 15, end: 75 }]);
  assertEquals(tumbling(60, 75).offsetMs, 15);
});

Deno.test("sliding: a record is in size/slide windows, latest start first", () => {
  assertEquals(assignWindows(sliding(60, 20), 45), [
    { start: 40, end: 100 },
    { start: 20, end: 80 },
    { start: 0, end: 60 },
  ]);
  // t: 60 is the end of [0,60) so it is not in it
  assertEquals(assignWindows(sliding(60, 20), 60).map((w) => w.start), [60, 40, 20]);
  assertEquals(assignWindows(sliding(50, 20), 45).map((w) => w.start), [40, 20, 0]);
  assertEquals(assignWindows(sliding(50, 20), 55).map((w) => w.start), [40, 20]);
});

Deno.test("session: a record opens [t, t + gap)", () => {
  assertEquals(assignWindows(session(30), 100), [{ start: 100, end: 130 }]);
});

Deno.test("window kinds reject bad sizes", () => {
  assertThrows(() => tumbling(0), RangeError, "sizeMs");
  assertThrows(() => tumbling(1.5), RangeError, "sizeMs");
  assertThrows(() => sliding(10, 20), RangeError, "must not exceed");
  assertThrows(() => session(-1), RangeError, "gapMs");
});

Deno.test("PaneLayout: panes of gcd(size, slide) and window ends", () => {
  const layout = new PaneLayout(sliding(50, 20));
  assertEquals(layout.paneMs, 10);
  assertEquals(layout.paneStart(45), 40);
  assertEquals(layout.paneStart(-5), -10);
  // windows holding 45: [40,90) is the last; [0,50) the first
  assertEquals(layout.lastEnd(45), 90);
  assertEquals(layout.nextEndAfter(45), 50);
  assertEquals(layout.nextEndAfter(50), 70);
  assertEquals(gcd(60, 25), 5);
  assertEquals(mod(-7, 5), 3);
});
