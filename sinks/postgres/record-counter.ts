/**
 * Counts CSV records in the COPY payload as it streams by, so commit can check
 * `copy.rowCount` against what was sent (controls.md §8.5 step 3).
 *
 * Same rule as verify's CsvRecordCounter (src/provenance/verify.ts, RFC 4180:
 * records end at LFs outside quotes, an unterminated last record counts), but
 * it jumps between quotes and LFs with `Buffer.indexOf` (memchr) instead of
 * visiting every byte in JS: this runs on the load's hot path, where a byte
 * loop would cost a noticeable share of the COPY throughput.
 */
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export class FastCsvRecordCounter {
  private inQuotes = false;
  private records = 0;
  private pendingRecord = false;

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const len = buf.length;
    let i = 0;
    while (i < len) {
      if (this.inQuotes) {
        const q = buf.indexOf(QUOTE, i);
        this.pendingRecord = true;
        if (q < 0) return;
        this.inQuotes = false;
        i = q + 1;
        continue;
      }
      const q = buf.indexOf(QUOTE, i);
      const end = q < 0 ? len : q;
      let lastLf = -1;
      let j = buf.indexOf(LF, i);
      while (j >= 0 && j < end) {
        this.records++;
        lastLf = j;
        j = buf.indexOf(LF, j + 1);
      }
      // Bytes after the last record end (other than CR) start a new, still open record.
      let k = lastLf >= 0 ? lastLf + 1 : i;
      if (lastLf >= 0) this.pendingRecord = false;
      for (; k < end; k++) {
        if (buf[k] !== CR) {
          this.pendingRecord = true;
          break;
        }
      }
      if (q < 0) return;
      this.inQuotes = true;
      this.pendingRecord = true;
      i = q + 1;
    }
  }

  /** Records seen so far, counting an unterminated last one. */
  finish(): number {
    return this.records + (this.pendingRecord ? 1 : 0);
  }
}
