/**
 * Cross-check (run by hand): encodes sample values of every generated message at every version
 * with our codecs, then has Apache Kafka's own generated Java message classes (from the
 * Kafka 4.3.1 jars) parse and re-serialize each one. Any byte difference is a codec bug on one
 * side. Versions the 4.3.1 classes no longer support (KIP-896) are counted as skipped.
 *
 * Usage: `deno run -A broker/protocol/testdata/java_crosscheck.ts [seeds]`
 *
 * @module
 */

import { type ApiKey, requestWriters, responseWriters } from "../generated/apis.ts";
import { sampleValue, SCHEMAS } from "../sample_values_test_util.ts";
import { Writer } from "../wire.ts";

const KAFKA_LIB = `${Deno.env.get("HOME")}/.cache/iot-platform/kafka-4.3.1/lib`;

const JAVA = `
import java.nio.ByteBuffer;
import java.nio.file.*;
import java.util.*;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.*;

public class CrossCheck {
  static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    return b;
  }
  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) sb.append(String.format("%02x", x));
    return sb.toString();
  }
  public static void main(String[] args) throws Exception {
    int ok = 0, skipped = 0, bad = 0;
    for (String line : Files.readAllLines(Paths.get(args[0]))) {
      String[] p = line.split(" ");
      short key = Short.parseShort(p[0]);
      boolean request = p[1].equals("request");
      short version = Short.parseShort(p[2]);
      byte[] in = p.length > 4 ? hex(p[4]) : new byte[0];
      ApiMessageType type = ApiMessageType.fromApiKey(key);
      ApiMessage m = request ? type.newRequest() : type.newResponse();
      if (version < m.lowestSupportedVersion() || version > m.highestSupportedVersion()) { skipped++; continue; }
      try {
        ByteBuffer buf = ByteBuffer.wrap(in);
        m.read(new ByteBufferAccessor(buf), version);
        if (buf.remaining() != 0) throw new RuntimeException(buf.remaining() + " unread bytes");
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer out = ByteBuffer.allocate(m.size(cache, version));
        m.write(new ByteBufferAccessor(out), cache, version);
        String got = hex(out.array());
        if (!got.equals(p.length > 4 ? p[4] : "")) throw new RuntimeException("re-encoded differs\\n  ours: " + (p.length > 4 ? p[4] : "") + "\\n  java: " + got);
        ok++;
      } catch (Exception e) {
        bad++;
        if (bad <= 20) System.out.println("MISMATCH " + p[3] + " v" + version + ": " + e);
      }
    }
    System.out.println("ok=" + ok + " skipped=" + skipped + " mismatches=" + bad);
  }
}
`;

type AnyWrite = (w: Writer, v: unknown, version: number) => void;

const seeds = Number(Deno.args[0] ?? "3");
const lines: string[] = [];
for (const s of SCHEMAS) {
  const key = s.apiKey as ApiKey;
  const write = (s.type === "request" ? requestWriters[key] : responseWriters[key]) as AnyWrite;
  for (let v = s.valid.min; v <= s.valid.max; v++) {
    for (let seed = 1; seed <= seeds; seed++) {
      const w = new Writer();
      write(w, sampleValue(s, v, seed), v);
      const hex = Array.from(w.finish(), (b) => b.toString(16).padStart(2, "0")).join("");
      lines.push(`${s.apiKey} ${s.type} ${v} ${s.name}#${seed} ${hex}`.trimEnd());
    }
  }
}
const dir = await Deno.makeTempDir({ prefix: "kafka-crosscheck-" });
try {
  await Deno.writeTextFile(`${dir}/corpus.txt`, lines.join("\n") + "\n");
  await Deno.writeTextFile(`${dir}/CrossCheck.java`, JAVA);
  const out = await new Deno.Command("java", {
    args: ["-cp", `${KAFKA_LIB}/*`, `${dir}/CrossCheck.java`, `${dir}/corpus.txt`],
  }).output();
  console.log(new TextDecoder().decode(out.stdout));
  console.error(new TextDecoder().decode(out.stderr));
  Deno.exitCode = out.success ? 0 : 1;
} finally {
  await Deno.remove(dir, { recursive: true });
}
