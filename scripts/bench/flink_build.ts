/**
 * Builds the Flink peer of `deno task bench:flink` (scripts/bench/flink/: Flink 2.2 DataStream
 * jobs, from Maven Central) on first use and caches it under
 * `$IOT_CACHE_DIR/flink-bench-<hash of the sources>/` (the jar plus its runtime dependencies), so
 * neither the repo nor CI pays for it.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { defaultCacheDir } from "@iot/testing";

const SOURCE = fileURLToPath(new URL("./flink/", import.meta.url));

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) files.push(...await sourceFiles(`${path}/`));
    else if (entry.name.endsWith(".java") || entry.name === "pom.xml") files.push(path);
  }
  return files.sort();
}

async function hashOf(files: readonly string[]): Promise<string> {
  const parts = await Promise.all(files.map((f) => Deno.readTextFile(f)));
  const bytes = new TextEncoder().encode(
    files.map((f, i) => `${f.slice(SOURCE.length)}\n${parts[i]}`).join("\n"),
  );
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** The Java classpath of the built peer, building it with Maven first when not cached. */
export async function flinkClasspath(log: (line: string) => void): Promise<string> {
  const files = await sourceFiles(SOURCE);
  const dir = `${defaultCacheDir()}/flink-bench-${await hashOf(files)}`;
  if (!await exists(`${dir}/.complete`)) {
    log(`building the Flink peer with Maven into ${dir} (first use; a few minutes)...`);
    const work = await Deno.makeTempDir({ prefix: "flink-bench-build-" });
    try {
      for (const file of files) {
        const target = `${work}/${file.slice(SOURCE.length)}`;
        await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
        await Deno.copyFile(file, target);
      }
      const mvn = await new Deno.Command("mvn", {
        args: [
          "-B",
          "-q",
          "package",
          "dependency:copy-dependencies",
          "-DskipTests",
          "-DincludeScope=runtime",
          `-DoutputDirectory=${dir}/lib`,
        ],
        cwd: work,
        stdout: "inherit",
        stderr: "inherit",
      }).output();
      if (!mvn.success) throw new Error(`mvn failed (exit ${mvn.code}) building ${SOURCE}`);
      await Deno.copyFile(`${work}/target/flink-peer-1.jar`, `${dir}/lib/flink-peer.jar`);
      await Deno.writeTextFile(`${dir}/.complete`, new Date().toISOString());
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  }
  return `${dir}/lib/*`;
}

if (import.meta.main) console.log(await flinkClasspath(console.error));
