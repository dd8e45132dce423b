import { assertEquals, assertThrows } from "@std/assert";
import { keyPartition, murmur2 } from "./key_partitioner.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("murmur2() equals Kafka's Utils.murmur2 on its own test vectors", () => {
  // From Apache Kafka's UtilsTest.testMurmur2.
  const vectors: [string, number][] = [
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
  ];
  for (const [input, hash] of vectors) assertEquals(murmur2(bytes(input)), hash, input);
});

Deno.test("keyPartition() is murmur2 made positive modulo the partitions", () => {
  assertEquals(keyPartition("foobar", 7), (-790332482 & 0x7fffffff) % 7);
  assertEquals(keyPartition("21", 1), 0);
  assertThrows(() => keyPartition("x", 0), RangeError, "positive integer");
});
