/**
 * LZF, the compression Redis applies to long strings in RDB files and DUMP
 * payloads (lzf_c.c and lzf_d.c with the settings of Redis's lzfP.h: a
 * 2^16-slot hash table, the VERY_FAST variant). Compression makes Redis
 * 7.0's choices byte for byte, so a payload written here equals Redis's.
 *
 * A compressed stream is a sequence of
 *   000LLLLL, then L+1 literal bytes (1 to 32)
 *   LLLooooo oooooooo: L+2 bytes (3 to 8) copied from o+1 bytes back
 *   111ooooo LLLLLLLL oooooooo: L+9 bytes (9 to 264) copied from o+1 bytes back
 */

const MAX_LITERAL_RUN = 32;
const MAX_DISTANCE = 1 << 13;
const MAX_MATCH = 264;
/** A back reference of three bytes stands for at most MAX_MATCH output bytes; nothing expands more. */
const MAX_EXPANSION = MAX_MATCH / 3;

/**
 * Where three bytes hashing to each slot were last seen, plus a base that
 * grows with every call (restarting, with the table cleared, before it
 * leaves the Int32 range): entries left by earlier calls then read as
 * positions before the input, which are never matched, so the table need
 * not be cleared for each string.
 */
const lastSeen = new Int32Array(1 << 16);
let nextBase = 0;

function claimBase(inputLength: number): number {
  if (nextBase > 0x7fffffff - inputLength) {
    lastSeen.fill(0);
    nextBase = 0;
  }
  const base = nextBase;
  nextBase += inputLength;
  return base;
}

/** Redis's hash slot for the three bytes at i. */
function slotAt(input: Uint8Array, i: number): number {
  const h = (input[i] << 16) | (input[i + 1] << 8) | input[i + 2];
  return ((h >>> 8) - h * 5) & 0xffff;
}

function startsAlike(input: Uint8Array, ref: number, i: number): boolean {
  return input[ref] === input[i] && input[ref + 1] === input[i + 1] && input[ref + 2] === input[i + 2];
}

/**
 * How many bytes at i repeat those at ref, given that the first three do.
 * Redis stops two bytes short of the input's end, except that when more
 * than 16 bytes are allowed it compares 16 more before looking at the limit,
 * so a match of up to 19 bytes can reach the very end.
 */
function matchLength(input: Uint8Array, ref: number, i: number): number {
  const allowed = Math.min(input.length - i - 2, MAX_MATCH);
  const limit = allowed > 16 ? Math.max(allowed, 19) : Math.max(allowed, 3);
  let length = 3;
  while (length < limit && input[ref + length] === input[i + length]) length++;
  return length;
}

/**
 * The compressed bytes so far. Like Redis's output pointer, `end` counts the
 * header byte reserved for the literal run in progress, which is dropped if
 * the run stays empty; where Redis gives up depends on that.
 */
class CompressedStream {
  private end = 1;
  private literals = 0;

  constructor(private readonly out: Buffer) {}

  /**
   * Whether Redis finds room for the last input bytes, up to two, which are
   * always literals. Redis also checks before each literal and back
   * reference, but `end` never shrinks and each of those checks is implied
   * by this last one, so it alone decides.
   */
  hasRoomForTail(limit: number): boolean {
    return this.end + 3 <= limit;
  }

  literal(byte: number): void {
    this.out[this.end++] = byte;
    if (++this.literals === MAX_LITERAL_RUN) {
      this.closeLiteralRun();
      this.startLiteralRun();
    }
  }

  /** length bytes copied from distance + 1 bytes back. */
  backReference(distance: number, length: number): void {
    this.closeLiteralRun();
    const extra = length - 2;
    if (extra < 7) {
      this.out[this.end++] = (extra << 5) | (distance >> 8);
    } else {
      this.out[this.end++] = (7 << 5) | (distance >> 8);
      this.out[this.end++] = extra - 7;
    }
    this.out[this.end++] = distance & 0xff;
    this.startLiteralRun();
  }

  finish(): Buffer {
    this.closeLiteralRun();
    return this.out.subarray(0, this.end);
  }

  private closeLiteralRun(): void {
    if (this.literals === 0) this.end--;
    else this.out[this.end - this.literals - 1] = this.literals - 1;
  }

  private startLiteralRun(): void {
    this.end++;
    this.literals = 0;
  }
}

/** Literal runs take a header byte per 32 bytes, and one for a last shorter run; back references are never longer than what they replace. */
function worstCaseLength(inputLength: number): number {
  return inputLength + Math.floor(inputLength / MAX_LITERAL_RUN) + 1;
}

/**
 * Redis's lzf_compress(input, input.length, out, maxOutput): the same
 * bytes, or null where it returns 0 because they would not fit in maxOutput.
 */
export function lzfCompress(input: Uint8Array, maxOutput: number): Buffer | null {
  const length = input.length;
  if (length === 0) return null;
  const base = claimBase(length);
  const stream = new CompressedStream(Buffer.allocUnsafe(worstCaseLength(length)));
  let i = 0;
  while (i < length - 2) {
    const slot = slotAt(input, i);
    const ref = lastSeen[slot] - base;
    lastSeen[slot] = base + i;
    // Redis never refers back to position 0: its test against empty slots excludes it too.
    if (ref > 0 && i - ref <= MAX_DISTANCE && startsAlike(input, ref, i)) {
      const match = matchLength(input, ref, i);
      stream.backReference(i - ref - 1, match);
      i += match;
      if (i >= length - 2) break;
      // VERY_FAST hashes only the match's last two positions.
      lastSeen[slotAt(input, i - 2)] = base + i - 2;
      lastSeen[slotAt(input, i - 1)] = base + i - 1;
    } else {
      stream.literal(input[i++]);
    }
  }
  if (!stream.hasRoomForTail(maxOutput)) return null;
  while (i < length) stream.literal(input[i++]);
  return stream.finish();
}

/**
 * Redis's lzf_decompress, accepting what rdbLoadLzfStringObject accepts:
 * the output, or null if the stream is malformed (a back reference before
 * the start, a run past either end) or does not make exactly outputLength bytes.
 */
export function lzfDecompress(input: Uint8Array, outputLength: number): Buffer | null {
  if (!Number.isSafeInteger(outputLength) || outputLength < 0 || outputLength > input.length * MAX_EXPANSION) return null;
  const out = Buffer.allocUnsafe(outputLength);
  let i = 0;
  let o = 0;
  while (i < input.length) {
    const control = input[i++];
    if (control < MAX_LITERAL_RUN) {
      const count = control + 1;
      if (i + count > input.length || o + count > outputLength) return null;
      for (const stop = i + count; i < stop; ) out[o++] = input[i++];
      continue;
    }
    let count = control >> 5;
    if (count === 7) {
      if (i >= input.length) return null;
      count += input[i++];
    }
    if (i >= input.length) return null;
    const from = o - ((control & 0x1f) << 8) - input[i++] - 1;
    count += 2;
    if (from < 0 || o + count > outputLength) return null;
    if (count < SHORT_COPY || o - from < SHORT_COPY) {
      // Byte by byte: the source may overlap what this copy writes.
      for (let k = 0; k < count; k++) out[o++] = out[from + k];
    } else {
      copyByPeriods(out, from, o, count);
      o += count;
    }
  }
  return o === outputLength ? out : null;
}

/** Below this many bytes a JS loop copies faster than a native call does. */
const SHORT_COPY = 32;

/**
 * Copies count bytes from `from` to `at` in out as a byte-by-byte copy
 * would: when the source overlaps what the copy writes (the distance is
 * shorter than the count), the bytes repeat with the distance as their
 * period, so they go a period at a time, each period's source written before.
 */
function copyByPeriods(out: Buffer, from: number, at: number, count: number): void {
  const period = at - from;
  for (let done = 0; done < count; done += period) out.copyWithin(at + done, from + done, from + Math.min(done + period, count));
}
