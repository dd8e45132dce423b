/**
 * Code emitter for `gen_protocol.ts`: turns normalized Kafka message schemas into TypeScript
 * interfaces and straight-line read/write functions built on `broker/protocol/wire.ts`.
 *
 * @module
 */

import type { FieldSpec, MessageSpec, Range } from "./gen_protocol_schema.ts";

export type { MessageSpec } from "./gen_protocol_schema.ts";
export { normalize } from "./gen_protocol_schema.ts";

interface StructDef {
  tsName: string;
  fields: FieldSpec[];
  ctx: Range;
  about: string;
}

const NUMBER_TYPES: Record<string, string> = {
  int8: "int8",
  int16: "int16",
  uint16: "uint16",
  int32: "int32",
  float64: "float64",
};

function isEmpty(r: Range): boolean {
  return r.min > r.max;
}

function intersect(a: Range, b: Range): Range {
  return { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) };
}

/** A boolean expression over `version`, true exactly for `r`, simplified knowing `ctx`. */
function cond(r: Range, ctx: Range): string {
  const i = intersect(r, ctx);
  if (isEmpty(i)) return "false";
  const parts: string[] = [];
  if (i.min > ctx.min) parts.push(`version >= ${i.min}`);
  if (i.max < ctx.max) parts.push(`version <= ${i.max}`);
  return parts.length === 0 ? "true" : parts.join(" && ");
}

function doc(text: string, indent = ""): string {
  if (!text) return "";
  return `${indent}/** ${text.replaceAll("*/", "*\\/")} */\n`;
}

class Emitter {
  readonly structs = new Map<string, StructDef>();
  readonly msg: MessageSpec;

  constructor(msg: MessageSpec) {
    this.msg = msg;
    this.#collect(msg.name, msg.fields, msg.valid, `The ${msg.name} body.`);
  }

  structName(kafkaName: string): string {
    return kafkaName.startsWith(this.msg.name) ? kafkaName : this.msg.name + kafkaName;
  }

  #collect(name: string, fields: FieldSpec[], ctx: Range, about: string): void {
    const tsName = this.structName(name);
    const seen = this.structs.get(tsName);
    if (seen) {
      seen.ctx = { min: Math.min(seen.ctx.min, ctx.min), max: Math.max(seen.ctx.max, ctx.max) };
      return;
    }
    const text = about || `The ${name} structure of ${this.msg.name}.`;
    this.structs.set(tsName, { tsName, fields, ctx, about: text });
    for (const f of fields) {
      if (!f.struct) continue;
      const common = this.msg.commonStructs.find((s) => s.name === f.base);
      const def = f.fields ?? common?.fields;
      if (!def) throw new Error(`${this.msg.name}.${f.name}: unknown struct ${f.base}`);
      // A nullable struct is an int8 marker (-1 null, 1 present) then the struct, in every
      // version the struct exists (Kafka's generator); nullability that varies by version is not.
      if (
        !f.array && !isEmpty(intersect(f.nullable, f.versions)) &&
        (f.nullable.min > f.versions.min || f.nullable.max < f.versions.max)
      ) {
        throw new Error(`${this.msg.name}.${f.name}: partly nullable structs are not supported`);
      }
      const fieldCtx = common ? this.msg.valid : intersect(f.versions, ctx);
      this.#collect(f.base, def, fieldCtx, f.about);
    }
  }

  nullableIn(f: FieldSpec, ctx: Range): boolean {
    return !isEmpty(intersect(intersect(f.nullable, f.versions), ctx));
  }

  tsType(f: FieldSpec, ctx: Range, input: boolean): string {
    const base = f.struct ? this.structName(f.base) + (input ? "Input" : "") : primitiveTs(f.base);
    const t = f.array ? `${base}[]` : base;
    return this.nullableIn(f, ctx) ? `${t} | null` : t;
  }

  optionalInInput(f: FieldSpec, ctx: Range): boolean {
    const always = f.versions.min <= ctx.min && f.versions.max >= ctx.max;
    return !always || f.default !== null || f.ignorable || f.tag !== null;
  }

  defaultExpr(f: FieldSpec): string {
    const d = f.default;
    if (f.array) return d === "null" ? "null" : "[]";
    if (f.struct) return d === "null" ? "null" : `default${this.structName(f.base)}()`;
    switch (f.base) {
      case "int64":
        return `${BigInt(d ?? "0")}n`;
      case "bool":
        return d === "true" ? "true" : "false";
      case "string":
        return d === "null" ? "null" : JSON.stringify(d ?? "");
      case "uuid":
        return "ZERO_UUID_STRING";
      case "bytes":
      case "records":
        return d === "null" || (d === null && f.base === "records" && !isEmpty(f.nullable))
          ? "null"
          : "new Uint8Array(0)";
      default:
        return String(Number(d ?? "0"));
    }
  }

  nonDefault(x: string, f: FieldSpec): string {
    if (f.struct && !f.array) return "true";
    const d = this.defaultExpr(f);
    if (f.array || f.base === "bytes" || f.base === "records") {
      if (d === "null") return `${x} !== null`;
      return `(${x} === null || ${x}.length > 0)`;
    }
    return `${x} !== ${d}`;
  }

  /** Set while emitting a tagged field: those are always in flexible versions. */
  inTagged = false;

  compact(f: FieldSpec, ctx: Range): string {
    if (f.flexible) return cond(f.flexible, ctx);
    if (this.inTagged) return "true";
    const c = cond(this.msg.flexible, ctx);
    return c === "true" || c === "false" ? c : "flex";
  }

  /** The struct being emitted, for error labels. */
  current = "";

  nullCheckRead(expr: string, f: FieldSpec, ctx: Range, nullable: boolean): string {
    const label = JSON.stringify(`${this.current}.${f.tsName}`);
    if (!nullable) return `(${expr} ?? nullNotAllowed(${label}, version))`;
    const nc = cond(f.nullable, intersect(f.versions, ctx));
    if (nc === "true") return expr;
    return `checkNull(${expr}, ${nc}, ${label}, version)`;
  }

  readScalar(f: FieldSpec, r: string, c: string, ctx: Range, nullable: boolean): string {
    if (f.struct) {
      const read = `read${this.structName(f.base)}(${r}, version)`;
      return nullable ? `(${r}.int8() < 0 ? null : ${read})` : read;
    }
    if (NUMBER_TYPES[f.base]) return `${r}.${NUMBER_TYPES[f.base]}()`;
    switch (f.base) {
      case "int64":
      case "bool":
      case "uuid":
        return `${r}.${f.base}()`;
      case "string":
        return this.nullCheckRead(`${r}.string(${c})`, f, ctx, nullable);
      default:
        return this.nullCheckRead(`${r}.bytes(${c})`, f, ctx, nullable);
    }
  }

  readExpr(f: FieldSpec, r: string, ctx: Range): string {
    const c = this.compact(f, ctx);
    if (!f.array) return this.readScalar(f, r, c, ctx, this.nullableIn(f, ctx));
    const elem = this.readScalar(f, "r", c, ctx, false);
    return this.nullCheckRead(
      `readArray(${r}, ${c}, (r) => ${elem})`,
      f,
      ctx,
      this.nullableIn(f, ctx),
    );
  }

  writeScalar(f: FieldSpec, w: string, x: string, c: string, nullable = false): string {
    const write = `write${this.structName(f.base)}(${w}, ${x}, version)`;
    if (f.struct && nullable) return `${x} === null ? ${w}.int8(-1) : (${w}.int8(1), ${write})`;
    if (f.struct) return write;
    if (NUMBER_TYPES[f.base]) return `${w}.${NUMBER_TYPES[f.base]}(${x})`;
    switch (f.base) {
      case "int64":
      case "bool":
      case "uuid":
        return `${w}.${f.base}(${x})`;
      case "string":
        return `${w}.string(${x}, ${c})`;
      default:
        return `${w}.bytes(${x}, ${c})`;
    }
  }

  writeStmt(f: FieldSpec, w: string, x: string, ctx: Range): string {
    const c = this.compact(f, ctx);
    let check = "";
    if (this.nullableIn(f, ctx)) {
      const nc = cond(f.nullable, intersect(f.versions, ctx));
      const label = JSON.stringify(`${this.current}.${f.tsName}`);
      if (nc !== "true") check = `if (${x} === null && !(${nc})) nullField(${label}, version);\n`;
    }
    if (!f.array) return `${check}${this.writeScalar(f, w, x, c, this.nullableIn(f, ctx))};`;
    return `${check}writeArray(${w}, ${x}, ${c}, (w, e) => ${this.writeScalar(f, "w", "e", c)});`;
  }

  absentCheck(f: FieldSpec, x: string, s: StructDef): string {
    if (f.ignorable || (f.struct && !f.array)) return "";
    const label = JSON.stringify(`${s.tsName}.${f.tsName}`);
    return `if (${x} !== undefined && ${
      this.nonDefault(x, f)
    }) unsupportedField(${label}, version);`;
  }

  emitInterfaces(s: StructDef): string {
    let out = "";
    for (const input of [false, true]) {
      out += doc(
        input
          ? `Input for encoding {@link ${s.tsName}}; omitted fields take their defaults.`
          : s.about,
      );
      out += `export interface ${s.tsName}${input ? "Input" : ""} {\n`;
      for (const f of s.fields) {
        if (isEmpty(intersect(f.versions, s.ctx))) continue;
        const opt = input && this.optionalInInput(f, s.ctx) ? "?" : "";
        const vs = f.versions.max === 32767
          ? `${f.versions.min}+`
          : `${f.versions.min}-${f.versions.max}`;
        out += doc(`${f.about} (versions ${vs}${f.tag !== null ? `, tag ${f.tag}` : ""})`, "  ");
        out += `  ${f.tsName}${opt}: ${this.tsType(f, s.ctx, input)};\n`;
      }
      out += "}\n\n";
    }
    return out;
  }

  emitWrite(s: StructDef, exported: boolean): string {
    const fields = s.fields.filter((f) => !isEmpty(intersect(f.versions, s.ctx)));
    let body = "";
    for (const f of fields.filter((f) => f.tag === null)) {
      const present = cond(f.versions, s.ctx);
      const opt = this.optionalInInput(f, s.ctx);
      const x = `v.${f.tsName}`;
      const val = `${x} === undefined ? ${this.defaultExpr(f)} : ${x}`;
      const write = this.writeStmt(f, "w", opt ? `$${f.tsName}` : x, s.ctx);
      const stmt = opt ? `const $${f.tsName} = ${val};\n${write}` : write;
      const absent = this.absentCheck(f, x, s);
      if (present === "true") body += stmt + "\n";
      else if (present === "false") body += absent + "\n";
      else body += `if (${present}) {\n${stmt}\n}${absent ? ` else {\n${absent}\n}` : ""}\n`;
    }
    body += this.emitWriteTagged(s, fields.filter((f) => f.tag !== null));
    if (body.includes("flex")) body = `const flex = ${cond(this.msg.flexible, s.ctx)};\n${body}`;
    const input = s.tsName + "Input";
    return `${
      exported ? doc(`Writes the {@link ${s.tsName}} body at \`version\`.`) + "export " : ""
    }` +
      `function write${s.tsName}(w: Writer, v: ${input}, ${
        versionParam(body)
      }): void {\n${body}}\n\n`;
  }

  emitWriteTagged(s: StructDef, tagged: FieldSpec[]): string {
    let absents = "";
    for (const f of tagged) {
      const absent = this.absentCheck(f, `v.${f.tsName}`, s);
      const present = cond(f.versions, s.ctx);
      if (absent && present !== "true") {
        absents += present === "false" ? `${absent}\n` : `if (!(${present})) {\n${absent}\n}\n`;
      }
    }
    const flexCond = cond(this.msg.flexible, s.ctx);
    if (flexCond === "false") return absents;
    tagged.sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0));
    let body = "let tags = 0;\n";
    let writes = "";
    for (const f of tagged) {
      const x = `$${f.tsName}`;
      const present = cond(f.versions, intersect(this.msg.flexible, s.ctx));
      const nonDefault = this.nonDefault(x, f);
      body += `const ${x} = v.${f.tsName};\n`;
      body += `const t${f.tag} = ${present === "true" ? "" : `${present} && `}` +
        `${x} !== undefined${nonDefault === "true" ? "" : ` && ${nonDefault}`};\n`;
      body += `if (t${f.tag}) tags++;\n`;
      this.inTagged = true;
      writes += `if (t${f.tag} && ${x} !== undefined) {\nwriteTagged(w, ${f.tag}, (w) => {\n` +
        `${this.writeStmt(f, "w", x, s.ctx)}\n});\n}\n`;
      this.inTagged = false;
    }
    body += `w.uvarint(tags);\n${writes}`;
    if (tagged.length === 0) body = "w.uvarint(0);\n";
    return absents + (flexCond === "true" ? body : `if (${flexCond}) {\n${body}}\n`);
  }

  emitRead(s: StructDef, exported: boolean): string {
    const fields = s.fields.filter((f) => !isEmpty(intersect(f.versions, s.ctx)));
    let body = "";
    for (const f of fields) {
      const present = f.tag === null ? cond(f.versions, s.ctx) : "false";
      const read = this.readExpr(f, "r", s.ctx);
      const def = this.defaultExpr(f);
      const decl = f.tag === null ? "const" : "let";
      const type = f.tag === null ? "" : `: ${this.tsType(f, s.ctx, false)}`;
      if (present === "true") body += `${decl} $${f.tsName}${type} = ${read};\n`;
      else if (present === "false") body += `${decl} $${f.tsName}${type} = ${def};\n`;
      else body += `${decl} $${f.tsName}${type} = ${present} ? ${read} : ${def};\n`;
    }
    body += this.emitReadTagged(s, fields.filter((f) => f.tag !== null));
    if (/\bflex\b/.test(body)) body = `const flex = ${cond(this.msg.flexible, s.ctx)};\n${body}`;
    body += `return { ${fields.map((f) => `${f.tsName}: $${f.tsName}`).join(", ")} };\n`;
    return `${
      exported ? doc(`Reads the {@link ${s.tsName}} body at \`version\`.`) + "export " : ""
    }` +
      `function read${s.tsName}(r: Reader, ${versionParam(body)}): ${s.tsName} {\n${body}}\n\n`;
  }

  emitReadTagged(s: StructDef, tagged: FieldSpec[]): string {
    const flexCond = cond(this.msg.flexible, s.ctx);
    if (flexCond === "false") return "";
    let body: string;
    if (tagged.length === 0) body = "skipTaggedFields(r);\n";
    else {
      body =
        "for (let n = r.uvarint(); n > 0; n--) {\nconst tag = r.uvarint();\nconst size = r.uvarint();\n";
      for (const f of tagged) {
        const present = cond(f.versions, intersect(this.msg.flexible, s.ctx));
        const c = present === "true" ? "" : ` && ${present}`;
        this.inTagged = true;
        body += `if (tag === ${f.tag}${c}) $${f.tsName} = ${
          this.readExpr(f, "r.sub(size)", s.ctx)
        };\nelse `;
        this.inTagged = false;
      }
      body += "r.skip(size);\n}\n";
    }
    return flexCond === "true" ? body : `if (${flexCond}) {\n${body}}\n`;
  }

  emitDefault(s: StructDef): string {
    const fields = s.fields.filter((f) => !isEmpty(intersect(f.versions, s.ctx)));
    return `function default${s.tsName}(): ${s.tsName} {\nreturn { ${
      fields.map((f) => `${f.tsName}: ${this.defaultExpr(f)}`).join(", ")
    } };\n}\n\n`;
  }

  emitMessage(): string {
    const m = this.msg;
    let out = "";
    const scalarStructs = new Set<string>();
    for (const s of this.structs.values()) {
      for (const f of s.fields) {
        // Only struct fields an input may omit, defaulting to an instance, need a default builder
        // (and the structs nested in those defaults, below).
        if (f.struct && !f.array && f.default !== "null" && this.optionalInInput(f, s.ctx)) {
          scalarStructs.add(this.structName(f.base));
        }
      }
    }
    for (let grew = true; grew;) {
      grew = false;
      for (const name of [...scalarStructs]) {
        for (const f of this.structs.get(name)?.fields ?? []) {
          const nested = this.structName(f.base);
          if (f.struct && !f.array && !scalarStructs.has(nested)) {
            scalarStructs.add(nested);
            grew = true;
          }
        }
      }
    }
    for (const s of this.structs.values()) out += this.emitInterfaces(s);
    for (const s of this.structs.values()) {
      const top = s.tsName === m.name;
      this.current = s.tsName;
      out += this.emitWrite(s, top) + this.emitRead(s, top);
      if (scalarStructs.has(s.tsName)) out += this.emitDefault(s);
    }
    const range = `${m.valid.min} || version > ${m.valid.max}`;
    out += doc(
      `Encodes the ${m.name} body (no header) at \`version\`; throws \`RangeError\` for a bad version or a field the version cannot carry.`,
    );
    out +=
      `export function encode${m.name}(value: ${m.name}Input, version: number): Uint8Array {\n` +
      `if (version < ${range}) throw new RangeError(\`${m.name} version \${version} is not in ${m.valid.min}-${m.valid.max}\`);\n` +
      `const w = new Writer();\nwrite${m.name}(w, value, version);\nreturn w.finish();\n}\n\n`;
    out += doc(
      `Decodes the ${m.name} body (no header) at \`version\`; throws {@link ProtocolError} on bad input.`,
    );
    out += `export function decode${m.name}(bytes: Uint8Array, version: number): ${m.name} {\n` +
      `if (version < ${range}) throw new ProtocolError("unsupported_version", \`${m.name} version \${version} is not in ${m.valid.min}-${m.valid.max}\`);\n` +
      `const r = new Reader(bytes);\nconst value = read${m.name}(r, version);\nr.expectEnd(${
        JSON.stringify(m.name)
      });\nreturn value;\n}\n\n`;
    return out;
  }
}

function versionParam(body: string): string {
  return /\bversion\b/.test(body) ? "version: number" : "_version: number";
}

function primitiveTs(base: string): string {
  switch (base) {
    case "int64":
      return "bigint";
    case "bool":
      return "boolean";
    case "string":
    case "uuid":
      return "string";
    case "bytes":
    case "records":
      return "Uint8Array";
    default:
      return "number";
  }
}

const HEADER =
  "// Generated by scripts/gen_protocol.ts from Apache Kafka's message schemas. DO NOT EDIT.\n";

/** Emits the TypeScript module for one API (request + response). */
export function emitApiFile(name: string, req: MessageSpec, res: MessageSpec): string {
  const body = new Emitter(req).emitMessage() + new Emitter(res).emitMessage();
  const helpers = [
    "checkNull",
    "nullField",
    "nullNotAllowed",
    "readArray",
    "skipTaggedFields",
    "unsupportedField",
    "writeArray",
    "writeTagged",
  ].filter((h) => new RegExp(`\\b${h}\\b`).test(body));
  const constName = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase() + "_API";
  const unstable = req.latestVersionUnstable || res.latestVersionUnstable;
  return `${HEADER}/**\n * ${name} (API key ${req.apiKey}) request and response codecs.\n *\n * @module\n */\n\n` +
    `import type { ApiInfo } from "../api_info.ts";\n` +
    (helpers.length ? `import { ${helpers.join(", ")} } from "../codec.ts";\n` : "") +
    `import { ProtocolError, Reader, Writer${
      /\bZERO_UUID_STRING\b/.test(body) ? ", ZERO_UUID_STRING" : ""
    } } from "../wire.ts";\n\n` +
    doc(`Versions and encodings of ${name}.`) +
    `export const ${constName}: ApiInfo = { apiKey: ${req.apiKey}, name: ${
      JSON.stringify(name)
    }, ` +
    `minVersion: ${req.valid.min}, maxVersion: ${req.valid.max}, ` +
    `firstFlexibleVersion: ${req.flexible.max === 32767 ? req.flexible.min : -1}, ` +
    `latestVersionUnstable: ${unstable} };\n\n` + body;
}

/** Emits `apis.ts`: the table of APIs and typed per-key codec maps. */
export function emitApisFile(
  apis: [MessageSpec, MessageSpec][],
  stem: (n: string) => string,
): string {
  const base = (m: MessageSpec) => m.name.replace(/Request$|Response$/, "");
  const consts = apis.map(([q]) =>
    base(q).replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase() + "_API"
  );
  let out =
    `${HEADER}/**\n * The table of generated APIs and per-key codec maps.\n *\n * @module\n */\n\n`;
  out +=
    `import type { ApiInfo } from "../api_info.ts";\nimport type { Reader, Writer } from "../wire.ts";\n`;
  apis.forEach(([q, s], i) => {
    const n = [q.name, `${q.name}Input`, s.name, `${s.name}Input`];
    out += `import { ${consts[i]}, ${
      n.map((x) => `type ${x}`).join(", ")
    }, read${q.name}, read${s.name}, write${q.name}, write${s.name} } from "./${
      stem(base(q))
    }.ts";\n`;
  });
  out += "\n" + doc("API keys by name.") + "export const ApiKey = {\n" +
    apis.map(([q]) => `/** API key ${q.apiKey}. */\n${base(q)}: ${q.apiKey},`).join("\n") +
    "\n} as const;\n\n";
  out += doc("A generated API key.") +
    "export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];\n\n";
  out += doc("Every generated API, ordered by key.") +
    `export const APIS: readonly ApiInfo[] = [${consts.join(", ")}];\n\n`;
  const iface = (name: string, title: string, f: (q: MessageSpec, s: MessageSpec) => string) =>
    doc(title) + `export interface ${name} {\n` +
    apis.map(([q, s]) => `/** ${base(q)}. */\n${q.apiKey}: ${f(q, s)};`).join("\n") + "\n}\n\n";
  out += iface("RequestBodies", "Decoded request bodies by API key.", (q) => q.name);
  out += iface("RequestInputs", "Request bodies to encode, by API key.", (q) => `${q.name}Input`);
  out += iface("ResponseBodies", "Decoded response bodies by API key.", (_, s) => s.name);
  out += iface(
    "ResponseInputs",
    "Response bodies to encode, by API key.",
    (_, s) => `${s.name}Input`,
  );
  const table = (
    name: string,
    type: string,
    title: string,
    f: (q: MessageSpec, s: MessageSpec) => string,
  ) =>
    doc(title) + `export const ${name}: ${type} = {\n` +
    apis.map(([q, s]) => `${q.apiKey}: ${f(q, s)},`).join("\n") + "\n};\n\n";
  out += table(
    "requestReaders",
    "{ [K in ApiKey]: (r: Reader, version: number) => RequestBodies[K] }",
    "Request body readers by API key.",
    (q) => `read${q.name}`,
  );
  out += table(
    "requestWriters",
    "{ [K in ApiKey]: (w: Writer, v: RequestInputs[K], version: number) => void }",
    "Request body writers by API key.",
    (q) => `write${q.name}`,
  );
  out += table(
    "responseReaders",
    "{ [K in ApiKey]: (r: Reader, version: number) => ResponseBodies[K] }",
    "Response body readers by API key.",
    (_, s) => `read${s.name}`,
  );
  out += table(
    "responseWriters",
    "{ [K in ApiKey]: (w: Writer, v: ResponseInputs[K], version: number) => void }",
    "Response body writers by API key.",
    (_, s) => `write${s.name}`,
  );
  return out;
}
