/**
 * Avro schema resolution as the compatibility rule: can a reader with one schema read data
 * written with another (the Avro specification's rules, as Confluent's registry applies them)?
 * Primitives match or promote (int → long/float/double, long → float/double, float → double,
 * string ↔ bytes); records match fields by name or alias and need a default for a field the
 * writer lacks; enums need every written symbol (or a default); unions resolve branch by branch.
 *
 * @module
 */
import { type AvroType, shortName } from "./avro_schema.ts";

const promotions: Record<string, readonly string[]> = {
  int: ["long", "float", "double"],
  long: ["float", "double"],
  float: ["double"],
  string: ["bytes"],
  bytes: ["string"],
};

/**
 * The reasons a reader using `reader` cannot read data written with `writer` (empty: it can),
 * in Confluent's message shape.
 */
export function avroReadProblems(reader: AvroType, writer: AvroType): string[] {
  const walk: Walk = { out: [], seen: new Map() };
  resolve(reader, writer, "", walk);
  return walk.out;
}

function problem(out: string[], type: string, path: string, description: string): void {
  out.push(`{errorType:'${type}', description:'${description}', path:'${path || "/"}'}`);
}

/** What one check collects: problems, and the pairs being compared up the stack. */
interface Walk {
  out: string[];
  seen: Map<AvroType, Set<AvroType>>;
}

function resolve(r: AvroType, w: AvroType, path: string, walk: Walk): void {
  // A recursive pair already being compared resolves if everything else does.
  const pairs = walk.seen.get(r) ?? new Set();
  if (pairs.has(w)) return;
  walk.seen.set(r, pairs.add(w));
  try {
    resolvePair(r, w, path, walk);
  } finally {
    pairs.delete(w);
  }
}

/** Whether `r` reads `w` with no problem (a trial: its problems are not kept). */
function reads(r: AvroType, w: AvroType, path: string, walk: Walk): boolean {
  const trial: Walk = { out: [], seen: walk.seen };
  resolve(r, w, path, trial);
  return trial.out.length === 0;
}

function resolvePair(r: AvroType, w: AvroType, path: string, walk: Walk): void {
  const out = walk.out;
  if (w.type === "union") {
    w.branches.forEach((b, i) => {
      if (!reads(r, b, `${path}/${i}`, walk)) {
        problem(
          out,
          "MISSING_UNION_BRANCH",
          `${path}/${i}`,
          `reader cannot read writer branch ${i} (${b.type})`,
        );
      }
    });
    return;
  }
  if (r.type === "union") {
    const ok = r.branches.some((b) => reads(b, w, path, walk));
    if (!ok) {
      problem(out, "MISSING_UNION_BRANCH", path, `reader union lacks a branch for ${w.type}`);
    }
    return;
  }
  if (r.type !== w.type) {
    if (!promotions[w.type]?.includes(r.type)) {
      problem(
        out,
        "TYPE_MISMATCH",
        path,
        `reader type ${r.type} does not match writer type ${w.type}`,
      );
    }
    return;
  }
  if ("name" in r && "name" in w && shortName(r.name) !== shortName(w.name)) {
    return problem(
      out,
      "NAME_MISMATCH",
      `${path}/name`,
      `expected ${shortName(w.name)}, found ${shortName(r.name)}`,
    );
  }
  switch (r.type) {
    case "record": {
      const fields = (w as typeof r).fields;
      r.fields.forEach((f, i) => {
        const written = fields.find((x) => x.name === f.name || f.aliases.includes(x.name));
        if (written) resolve(f.type, written.type, `${path}/fields/${i}/type`, walk);
        else if (!f.hasDefault) {
          problem(
            out,
            "READER_FIELD_MISSING_DEFAULT_VALUE",
            `${path}/fields/${i}`,
            `field ${f.name} has no default and the writer lacks it`,
          );
        }
      });
      return;
    }
    case "enum": {
      const missing = (w as typeof r).symbols.filter((s) => !r.symbols.includes(s));
      if (missing.length > 0 && !r.hasDefault) {
        problem(
          out,
          "MISSING_ENUM_SYMBOLS",
          `${path}/symbols`,
          `reader lacks ${missing.join(", ")}`,
        );
      }
      return;
    }
    case "fixed":
      if (r.size !== (w as typeof r).size) {
        problem(
          out,
          "FIXED_SIZE_MISMATCH",
          `${path}/size`,
          `expected ${(w as typeof r).size}, found ${r.size}`,
        );
      }
      return;
    case "array":
      return resolve(r.items, (w as typeof r).items, `${path}/items`, walk);
    case "map":
      return resolve(r.values, (w as typeof r).values, `${path}/values`, walk);
  }
}
