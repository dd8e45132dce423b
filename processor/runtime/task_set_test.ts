import { assertEquals, assertThrows } from "@std/assert";
import { JobFailedError } from "./runner_options.ts";
import type { Task } from "./task.ts";
import { TaskSet } from "./task_set.ts";

/** What the set reads of a task, with `closed` telling whether `close()` ran. */
function stubTask(topic: string, partition: number, pendingOutputs = 0) {
  const task = {
    topic,
    partition,
    pendingOutputs,
    closed: false,
    close: () => Promise.resolve(void (task.closed = true)),
  };
  return task;
}

Deno.test("TaskSet: finds a task by topic-partition and names the one it does not own", () => {
  const tasks = new TaskSet();
  const a0 = stubTask("a", 0), a1 = stubTask("a", 1), b0 = stubTask("b", 0);
  for (const t of [a0, a1, b0]) tasks.add(t as unknown as Task);
  assertEquals(tasks.get("a", 1), a1 as unknown as Task);
  assertEquals(tasks.get("b", 0), b0 as unknown as Task);
  // Names cannot run into each other: "a" partition 10 is not "a1" partition 0.
  tasks.add(stubTask("a1", 0) as unknown as Task);
  assertThrows(
    () => tasks.get("a", 10),
    JobFailedError,
    "Received a record of a [10], which has no task",
  );
});

Deno.test("TaskSet: buffered outputs, partitions, and removal close the tasks", async () => {
  const tasks = new TaskSet();
  const a0 = stubTask("a", 0, 3), a1 = stubTask("a", 1, 4);
  tasks.add(a0 as unknown as Task);
  tasks.add(a1 as unknown as Task);
  assertEquals(tasks.buffered(), 7);
  assertEquals(tasks.partitions(), [{ topic: "a", partition: 0 }, { topic: "a", partition: 1 }]);
  await tasks.remove("a", 0);
  await tasks.remove("a", 5); // not owned: nothing happens
  assertEquals([a0.closed, a1.closed, tasks.size], [true, false, 1]);
  assertEquals(await tasks.removeAll(), [{ topic: "a", partition: 1 }]);
  assertEquals([a1.closed, tasks.size, tasks.buffered()], [true, 0, 0]);
});
