/**
 * Cutting a Fetch read at an upper offset: read_committed consumers get batches only below the
 * last stable offset. Batches are whole; one starting at or beyond the limit is dropped with
 * everything after it.
 *
 * @module
 */
import { BATCH_HEADER_SIZE, batchSizeAt, lastOffsetOf, readBatchHeader } from "../records/mod.ts";

/** What {@linkcode cutBatchesAt} keeps. */
export interface CutResult {
  /** The kept chunks (views of the input). */
  chunks: Uint8Array[];
  /** Last offset of the last kept batch, or -1 when nothing is kept. */
  lastOffset: number;
}

/** Keeps the batches of `chunks` (adjacent v2 batches) whose base offset is below `limit`. */
export function cutBatchesAt(chunks: Uint8Array[], limit: number): CutResult {
  const kept: Uint8Array[] = [];
  let lastOffset = -1;
  for (const chunk of chunks) {
    let pos = 0;
    let stop = false;
    while (chunk.length - pos >= BATCH_HEADER_SIZE) {
      const header = readBatchHeader(chunk.subarray(pos, pos + BATCH_HEADER_SIZE));
      if (header.baseOffset >= limit) {
        stop = true;
        break;
      }
      const size = batchSizeAt(chunk, pos);
      if (size <= 0 || pos + size > chunk.length) break; // trailing partial batch
      lastOffset = lastOffsetOf(header);
      pos += size;
    }
    if (pos > 0) kept.push(pos === chunk.length ? chunk : chunk.subarray(0, pos));
    if (stop || pos < chunk.length) break;
  }
  return { chunks: kept, lastOffset };
}
