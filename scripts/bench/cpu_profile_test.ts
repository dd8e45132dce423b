import { assertAlmostEquals, assertEquals, assertStringIncludes } from "@std/assert";
import { formatTop, topSelf } from "./cpu_profile.ts";

const node = (id: number, functionName: string, hitCount: number, url = "") => ({
  id,
  callFrame: { functionName, url, lineNumber: 9 },
  hitCount,
});

// 10 samples: 6 idle, 3 in `add`, 1 in GC; busy samples are the 4 that are not idle.
const PROFILE = JSON.stringify({
  nodes: [
    node(1, "(idle)", 6),
    node(2, "add", 2, "file:///work/main/processor/core/pane_windows.ts"),
    node(3, "add", 1, "file:///work/main/processor/core/pane_windows.ts"),
    node(4, "(garbage collector)", 1),
  ],
});

Deno.test("topSelf gives shares of all samples and of the busy (non-idle) ones", () => {
  const top = topSelf(PROFILE, 3);
  assertEquals(top.map((i) => i.name), [
    "(idle) (native:10)",
    "add (processor/core/pane_windows.ts:10)",
    "(garbage collector) (native:10)",
  ]);
  assertAlmostEquals(top[1].self, 0.3);
  assertAlmostEquals(top[1].busy, 0.75);
  assertAlmostEquals(top[2].busy, 0.25);
  assertEquals(top[0].busy, 0);
});

Deno.test("formatTop prints both shares and leaves the idle line's busy share blank", () => {
  const text = formatTop(topSelf(PROFILE, 3));
  assertStringIncludes(text, "   30.0%   75.0%  add (processor/core/pane_windows.ts:10)");
  assertStringIncludes(text, "   60.0%          (idle) (native:10)");
});
