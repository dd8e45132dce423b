import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { DirLockedError, LOCK_FILE, lockDir, type LockOwner } from "./dir_lock.ts";

const lockModule = new URL("./dir_lock.ts", import.meta.url).href;

Deno.test("lockDir: a second lock on the same dir is refused until the first is released", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = lockDir(dir);
    const owner = JSON.parse(await Deno.readTextFile(`${dir}/${LOCK_FILE}`));
    assertEquals([owner.pid, owner.hostname], [Deno.pid, Deno.hostname()]);
    const error = assertThrows(() => lockDir(dir), DirLockedError);
    assertStringIncludes(error.message, `${dir} is in use by process ${Deno.pid} on `);
    assertEquals(error.message.includes("\n"), false);
    first.release();
    first.release();
    assertEquals([...Deno.readDirSync(dir)].length, 0);
    using again = lockDir(dir);
    assert(again.path.endsWith(LOCK_FILE));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lockDir: another live process holds it; after it is killed the stale lock is taken over", async () => {
  const dir = await Deno.makeTempDir();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { lockDir } from "${lockModule}"; lockDir(${JSON.stringify(dir)}); ` +
      `console.log("locked"); setInterval(() => {}, 1000);`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("locked")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("child exited before it locked");
      out += value;
    }
    const error = assertThrows(() => lockDir(dir), DirLockedError);
    assertEquals(error.pid, child.pid);
    child.kill("SIGKILL");
    await child.status;
    await reader.cancel();
    const stale: LockOwner[] = [];
    using lock = lockDir(dir, { onStale: (o) => stale.push(o) });
    assertEquals(stale.map((o) => o.pid), [child.pid]);
    assertEquals(JSON.parse(Deno.readTextFileSync(lock.path)).pid, Deno.pid);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lockDir: a lock of a live process on another host is refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const other = { pid: 1, hostname: "elsewhere", startedAt: "2026-01-01T00:00:00.000Z" };
    await Deno.writeTextFile(`${dir}/${LOCK_FILE}`, JSON.stringify(other));
    const error = assertThrows(() => lockDir(dir, { isAlive: () => false }), DirLockedError);
    assertStringIncludes(error.message, "process 1 on elsewhere");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
