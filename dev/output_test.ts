import { assertEquals } from "@std/assert";
import { createPrefixer } from "./output.ts";

Deno.test("createPrefixer pads names and colours only when asked", () => {
  const plain = createPrefixer({ names: ["dev", "processor"], color: false });
  assertEquals(plain("dev", "hi"), "dev       | hi");
  const coloured = createPrefixer({ names: ["dev", "processor"], color: true });
  assertEquals(coloured("processor", "x"), "\x1b[33mprocessor |\x1b[0m x");
});
