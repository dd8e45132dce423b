import { assertEquals } from "@std/assert";
import { sum } from "./aggregator.ts";
import { type PaneCell, TwoStacks } from "./two_stacks.ts";

/** The plain computation: the sum of the panes in [start, end). */
function plain(panes: readonly PaneCell<number>[], start: number, end: number) {
  const inside = panes.filter((p) => p.start >= start && p.start < end);
  return inside.length === 0 ? undefined : inside.reduce((s, p) => s + p.acc, 0);
}

Deno.test("TwoStacks: windows slide over panes; adds to back, front and future panes count", () => {
  const agg = sum();
  const cache = new TwoStacks(agg);
  const panes: PaneCell<number>[] = [];
  const add = (start: number, value: number) => {
    let cell = panes.find((p) => p.start === start);
    if (cell === undefined) {
      cell = { start, acc: agg.createAccumulator() };
      panes.push(cell);
      panes.sort((a, b) => a.start - b.start);
    }
    cell.acc = agg.add(cell.acc, value);
    cache.added(start, value);
  };
  for (let t = 0; t < 10; t++) add(t, t + 1);
  const size = 5;
  for (let end = 5; end <= 14; end++) {
    // The first window builds suffixes for panes 0-4 (front); later ones fold panes into back.
    if (end === 8) add(6, 100); // pane 6 is in the back (folded in at end 7)
    if (end === 9) add(4, 1000); // pane 4 is in the front: the suffixes are rebuilt
    if (end === 11) add(12, 7); // a pane no window has reached yet
    assertEquals(cache.window(panes, end - size, end), plain(panes, end - size, end), `end ${end}`);
    while (panes.length > 0 && panes[0].start <= end - size) panes.shift();
  }
  assertEquals(cache.window(panes, 100, 105), undefined);
});
