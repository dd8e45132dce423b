import { assertEquals } from "@std/assert";
import {
  type AssignableTopic,
  type AssignorMember,
  rangeAssignor,
  type TopicPartitions,
  uniformAssignor,
} from "./assignors.ts";

const topics = new Map<string, AssignableTopic>([
  ["A", { id: "A", name: "a", partitions: 4 }],
  ["B", { id: "B", name: "b", partitions: 3 }],
]);

function member(memberId: string, subs: string[], previous: TopicPartitions = {}): AssignorMember {
  return { memberId, topics: new Set(subs), previous };
}

/** Reference: every partition of a subscribed topic exactly once, to a subscriber. */
function assertCovers(result: Map<string, TopicPartitions>, members: AssignorMember[]) {
  const seen = new Map<string, string>();
  for (const [id, a] of result) {
    for (const [t, ps] of Object.entries(a)) {
      for (const p of ps) {
        assertEquals(seen.has(`${t}:${p}`), false, `${t}:${p} twice`);
        seen.set(`${t}:${p}`, id);
        assertEquals(members.find((m) => m.memberId === id)!.topics.has(t), true);
      }
    }
  }
  const wanted = new Set(members.flatMap((m) => [...m.topics]));
  let total = 0;
  for (const t of wanted) total += topics.get(t)?.partitions ?? 0;
  assertEquals(seen.size, total);
}

const loads = (r: Map<string, TopicPartitions>) =>
  [...r.values()].map((a) => Object.values(a).flat().length);

Deno.test("uniform: balanced within one partition and sticky when a member joins", () => {
  const two = [member("m1", ["A", "B"]), member("m2", ["A", "B"])];
  const first = uniformAssignor(two, topics);
  assertCovers(first, two);
  assertEquals(loads(first).sort(), [3, 4]);
  const three = [
    member("m1", ["A", "B"], first.get("m1")),
    member("m2", ["A", "B"], first.get("m2")),
    member("m3", ["A", "B"]),
  ];
  const second = uniformAssignor(three, topics);
  assertCovers(second, three);
  assertEquals(loads(second).sort(), [2, 2, 3]);
  // Sticky: the old members only lost partitions, never swapped them.
  for (const id of ["m1", "m2"]) {
    for (const [t, ps] of Object.entries(second.get(id)!)) {
      for (const p of ps) assertEquals(first.get(id)![t]?.includes(p), true, `${id} ${t}:${p}`);
    }
  }
});

Deno.test("uniform: mixed subscriptions give each topic only to its subscribers", () => {
  const members = [member("m1", ["A"]), member("m2", ["A", "B"]), member("m3", ["B"])];
  const r = uniformAssignor(members, topics);
  assertCovers(r, members);
  assertEquals(Math.max(...loads(r)) - Math.min(...loads(r)) <= 1, true, `${loads(r)}`);
});

Deno.test("range: contiguous ranges per topic, extra partitions to the first members", () => {
  const members = [member("m2", ["A", "B"]), member("m1", ["A", "B"]), member("m3", ["A"])];
  const r = rangeAssignor(members, topics);
  assertCovers(r, members);
  assertEquals(r.get("m1"), { A: [0, 1], B: [0, 1] });
  assertEquals(r.get("m2"), { A: [2], B: [2] });
  assertEquals(r.get("m3"), { A: [3] });
});
