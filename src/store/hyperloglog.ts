/**
 * HyperLogLog values exactly as Redis stores them (hyperloglog.c), so that a
 * value written by one server counts the same in the other and PFADD yields
 * the same bytes: a 16-byte header ("HYLL", the encoding, three unused bytes,
 * the cached cardinality as 8 little-endian bytes whose top bit marks it
 * stale), then 16384 six-bit registers, either dense (packed, least
 * significant bits first) or sparse (run-length opcodes):
 *
 *   ZERO   00xxxxxx            1 to 64 zero registers
 *   XZERO  01xxxxxx yyyyyyyy   1 to 16384 zero registers
 *   VAL    1vvvvvxx            1 to 4 registers of value 1 to 32
 *
 * A sparse value turns dense when a register needs more than 32 or the value
 * would outgrow hll-sparse-max-bytes. Elements hash with MurmurHash64A (seed
 * 0xadc83b19): the low 14 bits pick the register, the run of zeros above
 * them (plus one) is the candidate register value.
 */

const HEADER_SIZE = 16;
export const REGISTERS = 16384;
const REGISTER_BITS = 6;
const REGISTER_MAX = 63;
const DENSE_SIZE = HEADER_SIZE + (REGISTERS * REGISTER_BITS) / 8;
const DENSE = 0;
const SPARSE = 1;
/** Bits of the hash left once the register index is taken: the longest run counted is Q + 1. */
const Q = 64 - 14;

const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;

// ---- MurmurHash64A on 32-bit halves -------------------------------------------------

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const M_LO_LOW16 = M_LO & 0xffff;
const M_LO_HIGH16 = M_LO >>> 16;
const SEED = 0xadc83b19;

/** The 64-bit value being hashed, as two unsigned 32-bit halves (module state keeps the hot loop allocation-free). */
let hashHi = 0;
let hashLo = 0;

/** (hi, lo) times M, modulo 2^64, into hashHi/hashLo. */
function timesM(hi: number, lo: number): void {
  const lo0 = lo & 0xffff;
  const lo1 = lo >>> 16;
  const p00 = lo0 * M_LO_LOW16;
  const p01 = lo0 * M_LO_HIGH16;
  const p10 = lo1 * M_LO_LOW16;
  const p11 = lo1 * M_LO_HIGH16;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  hashLo = ((mid << 16) | (p00 & 0xffff)) >>> 0;
  hashHi = (carry + Math.imul(hi, M_LO) + Math.imul(lo, M_HI)) >>> 0;
}

function littleEndian32(s: string, at: number): number {
  return (s.charCodeAt(at) | (s.charCodeAt(at + 1) << 8) | (s.charCodeAt(at + 2) << 16) | (s.charCodeAt(at + 3) << 24)) >>> 0;
}

/** MurmurHash64A of the bytes of s with Redis's seed, into hashHi/hashLo. */
function murmurHash64A(s: string): void {
  const len = s.length;
  timesM(0, len);
  let hi = hashHi;
  let lo = (hashLo ^ SEED) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    timesM(littleEndian32(s, i + 4), littleEndian32(s, i));
    // k ^= k >> 47
    timesM(hashHi, (hashLo ^ (hashHi >>> 15)) >>> 0);
    hi ^= hashHi;
    lo ^= hashLo;
    timesM(hi >>> 0, lo >>> 0);
    hi = hashHi;
    lo = hashLo;
  }
  const tail = len & 7;
  if (tail > 0) {
    for (let i = tail - 1; i >= 0; i--) {
      const byte = s.charCodeAt(blocks + i);
      if (i >= 4) hi ^= byte << (8 * (i - 4));
      else lo ^= byte << (8 * i);
    }
    timesM(hi >>> 0, lo >>> 0);
    hi = hashHi;
    lo = hashLo;
  }
  lo = (lo ^ (hi >>> 15)) >>> 0;
  timesM(hi >>> 0, lo);
  hashLo = (hashLo ^ (hashHi >>> 15)) >>> 0;
}

function trailingZeros(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** The register an element maps to and the value it proposes, as index * 64 + value (hllPatLen). */
function elementPattern(element: string): number {
  murmurHash64A(element);
  const index = hashLo & (REGISTERS - 1);
  // The hash without the index bits, with bit Q set so that the run ends by Q + 1.
  const low = ((hashLo >>> 14) | (hashHi << 18)) >>> 0;
  const high = (hashHi >>> 14) | (1 << (Q - 32));
  const zeros = low !== 0 ? trailingZeros(low) : 32 + trailingZeros(high);
  return index * 64 + zeros + 1;
}

// ---- cardinality estimate (Ertl's improved estimator, as hllCount) ----------------------

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (previous !== z);
  return z / 3;
}

const ALPHA_INF = 0.72134752044448170368;

/** The estimate from a histogram of register values (64 slots; values above Q + 1 are ignored, as in Redis). */
function estimate(histogram: Int32Array): number {
  const m = REGISTERS;
  let z = m * tau((m - histogram[Q + 1]) / m);
  for (let j = Q; j >= 1; j--) {
    z += histogram[j];
    z *= 0.5;
  }
  z += m * sigma(histogram[0] / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

const histogram = new Int32Array(64);

/** The estimated cardinality of raw registers, one byte each (PFCOUNT of several keys). */
export function countRegisters(registers: Uint8Array): number {
  histogram.fill(0);
  for (let i = 0; i < REGISTERS; i++) histogram[registers[i]]++;
  return estimate(histogram);
}

// ---- validation and cached cardinality on the stored string ---------------------------------

/** Whether a string looks like an HLL (Redis's isHLLObjectOrReply): header, magic, known encoding, dense size. */
export function isHyperLogLog(value: string): boolean {
  if (value.length < HEADER_SIZE || !value.startsWith('HYLL')) return false;
  const encoding = value.charCodeAt(4);
  return encoding === SPARSE || (encoding === DENSE && value.length === DENSE_SIZE);
}

/** The cached cardinality of a valid HLL string, or null when marked stale. */
export function cachedCardinality(value: string): number | bigint | null {
  if (value.charCodeAt(15) & 0x80) return null;
  const low = littleEndian32(value, 8);
  const high = littleEndian32(value, 12);
  return high < 1 << 21 ? high * 2 ** 32 + low : (BigInt(high) << 32n) | BigInt(low);
}

/** value with its cached cardinality set to n. */
export function withCachedCardinality(value: string, n: number): string {
  let bytes = '';
  for (let i = 0; i < 8; i++, n = Math.floor(n / 256)) bytes += String.fromCharCode(n % 256);
  return value.slice(0, 8) + bytes + value.slice(HEADER_SIZE);
}

// ---- the mutable representation ------------------------------------------------------------

/** Opcode tests and fields of the sparse encoding. */
function isZero(op: number): boolean {
  return (op & 0xc0) === 0;
}

function isXZero(op: number): boolean {
  return (op & 0xc0) === 0x40;
}

function valValue(op: number): number {
  return ((op >> 2) & 0x1f) + 1;
}

function valLength(op: number): number {
  return (op & 3) + 1;
}

function valOpcode(value: number, length: number): number {
  return 0x80 | ((value - 1) << 2) | (length - 1);
}

let loadBuffer = Buffer.allocUnsafeSlow(2 * DENSE_SIZE);
/** The string whose bytes loadBuffer holds, unchanged since (HyperLogLog.holds); null when unknown. */
let loadedValue: string | null = null;

/**
 * An HLL being read or changed: its bytes with room to grow (a sparse value
 * gains at most 3 bytes per register set). Methods returning a boolean report
 * false when a sparse encoding turns out corrupt (Redis's INVALIDOBJ).
 */
export class HyperLogLog {
  private constructor(
    private bytes: Buffer,
    private length: number,
  ) {}

  /** A new empty HLL: sparse, all registers in XZERO runs (createHLLObject). */
  static create(): HyperLogLog {
    const hll = new HyperLogLog(Buffer.alloc(64), HEADER_SIZE);
    hll.bytes.write('HYLL', 0, 'latin1');
    hll.bytes[4] = SPARSE;
    for (let left = REGISTERS; left > 0; left -= SPARSE_XZERO_MAX_LEN) {
      hll.length += hll.writeZeroRun(hll.length, Math.min(left, SPARSE_XZERO_MAX_LEN));
    }
    return hll;
  }

  /**
   * The HLL in a string that passed isHyperLogLog. It borrows a buffer shared
   * by all loads (PFADD on a dense value would otherwise allocate 12 KB per
   * call): a loaded HLL is valid until the next load, so use one at a time.
   * The buffer is not even copied into when it still holds value's bytes
   * (see holds).
   */
  static load(value: string): HyperLogLog {
    if (value !== loadedValue) {
      if (loadBuffer.length < value.length + 8) loadBuffer = Buffer.allocUnsafeSlow(2 * (value.length + 8));
      loadBuffer.latin1Write(value, 0);
    }
    // Until holds() says otherwise, the caller may change the bytes.
    loadedValue = null;
    // Only the spare room needs zeroing: the value overwrites the rest.
    loadBuffer.fill(0, value.length, value.length + 8);
    return new HyperLogLog(loadBuffer, value.length);
  }

  /**
   * Tells that this HLL's bytes are exactly value (stored, or loaded and left
   * unchanged), so that the next load of value need not copy it: PFADD of
   * elements already counted loads the same 12 KB over and over.
   */
  holds(value: string): void {
    if (this.bytes === loadBuffer && this.length === value.length) loadedValue = value;
  }

  toString(): string {
    return this.bytes.latin1Slice(0, this.length);
  }

  get isSparse(): boolean {
    return this.bytes[4] === SPARSE;
  }

  invalidateCache(): void {
    this.bytes[15] |= 0x80;
  }

  // ---- dense registers ----

  private denseRegister(index: number): number {
    const at = HEADER_SIZE + ((index * REGISTER_BITS) >> 3);
    const shift = (index * REGISTER_BITS) & 7;
    // The last register's neighbour byte lies past the value: it reads as zero.
    const next = at + 1 < this.length ? this.bytes[at + 1] : 0;
    return ((this.bytes[at] >> shift) | (next << (8 - shift))) & REGISTER_MAX;
  }

  /** Sets a dense register (PFSELFTEST writes them directly). */
  setDenseRegister(index: number, value: number): void {
    const at = HEADER_SIZE + ((index * REGISTER_BITS) >> 3);
    const shift = (index * REGISTER_BITS) & 7;
    this.bytes[at] = (this.bytes[at] & ~(REGISTER_MAX << shift)) | (value << shift);
    if (at + 1 < this.length) this.bytes[at + 1] = (this.bytes[at + 1] & ~(REGISTER_MAX >> (8 - shift))) | (value >> (8 - shift));
  }

  /** Raises a dense register to value; whether it changed. */
  private raiseDense(index: number, value: number): boolean {
    if (value <= this.denseRegister(index)) return false;
    this.setDenseRegister(index, value);
    return true;
  }

  // ---- sparse opcodes ----

  /** The byte at i, zero past the end (where C reads the string's terminator). */
  private byteAt(i: number): number {
    return i < this.length ? this.bytes[i] : 0;
  }

  /** Registers covered by the opcode at p. */
  private span(p: number): number {
    const op = this.bytes[p];
    if (isZero(op)) return (op & 0x3f) + 1;
    if (isXZero(op)) return (((op & 0x3f) << 8) | this.byteAt(p + 1)) + 1;
    return valLength(op);
  }

  private opcodeSize(p: number): number {
    return isXZero(this.bytes[p]) ? 2 : 1;
  }

  /** Writes a ZERO or XZERO run of length registers at p; returns its size. */
  private writeZeroRun(p: number, length: number): number {
    if (length <= SPARSE_ZERO_MAX_LEN) {
      this.bytes[p] = length - 1;
      return 1;
    }
    this.bytes[p] = 0x40 | ((length - 1) >> 8);
    this.bytes[p + 1] = (length - 1) & 0xff;
    return 2;
  }

  private ensureRoom(extra: number): void {
    if (this.length + extra + 1 <= this.bytes.length) return;
    const grown = Buffer.alloc(2 * (this.length + extra + 1));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  /** Replaces size bytes at p with replacement, moving what follows. */
  private splice(p: number, size: number, replacement: Uint8Array): void {
    const delta = replacement.length - size;
    if (delta !== 0) this.bytes.copy(this.bytes, p + replacement.length, p + size, this.length);
    this.bytes.set(replacement, p);
    this.length += delta;
  }

  /** Calls visit(first register, run length, value) for each opcode; false when the runs do not cover exactly every register. */
  private walkSparse(visit: (first: number, run: number, value: number) => void): boolean {
    let index = 0;
    for (let p = HEADER_SIZE; p < this.length; p += this.opcodeSize(p)) {
      const op = this.bytes[p];
      const run = this.span(p);
      if (op & 0x80) {
        if (index + run > REGISTERS) return false;
        visit(index, run, valValue(op));
      }
      index += run;
    }
    return index === REGISTERS;
  }

  /** Converts a sparse HLL to dense (hllSparseToDense), keeping the header and its cached cardinality. */
  toDense(): boolean {
    if (!this.isSparse) return true;
    const dense = new HyperLogLog(Buffer.alloc(DENSE_SIZE), DENSE_SIZE);
    this.bytes.copy(dense.bytes, 0, 0, HEADER_SIZE);
    dense.bytes[4] = DENSE;
    const valid = this.walkSparse((first, run, value) => {
      for (let i = first; i < first + run; i++) dense.setDenseRegister(i, value);
    });
    if (!valid) return false;
    this.bytes = dense.bytes;
    this.length = DENSE_SIZE;
    return true;
  }

  /**
   * Raises register index to value if lower (hllSparseSet / hllDenseSet):
   * 1 if it changed, 0 if not, -1 if the sparse encoding is corrupt.
   */
  raise(index: number, value: number, sparseMaxBytes: number): number {
    if (!this.isSparse) return this.raiseDense(index, value) ? 1 : 0;
    if (value > SPARSE_VAL_MAX_VALUE) return this.promoteAndRaise(index, value);
    // Find the opcode covering the register: a walk over every opcode before it, so its steps are written out here.
    const bytes = this.bytes;
    const length = this.length;
    let p = HEADER_SIZE;
    let first = 0;
    let previous = -1;
    let span = 0;
    while (p < length) {
      const op = bytes[p];
      let size = 1;
      if (op & 0x80) span = valLength(op);
      else if (isZero(op)) span = (op & 0x3f) + 1;
      else {
        span = (((op & 0x3f) << 8) | (p + 1 < length ? bytes[p + 1] : 0)) + 1;
        size = 2;
      }
      if (index < first + span) break;
      previous = p;
      first += span;
      p += size;
    }
    if (span === 0 || p >= length) return -1;
    const op = this.bytes[p];
    if (op & 0x80) {
      if (valValue(op) >= value) return 0;
      if (span === 1) {
        this.bytes[p] = valOpcode(value, 1);
        return this.mergeValues(previous);
      }
    } else if (isZero(op) && span === 1) {
      this.bytes[p] = valOpcode(value, 1);
      return this.mergeValues(previous);
    }
    // Split the run into up to three: before the register, the register, after it.
    const sequence = this.splitRun(op, first, span, index, value);
    const delta = sequence.length - this.opcodeSize(p);
    if (delta > 0 && this.length + delta > sparseMaxBytes) return this.promoteAndRaise(index, value);
    this.ensureRoom(delta);
    this.splice(p, this.opcodeSize(p), sequence);
    return this.mergeValues(previous);
  }

  private promoteAndRaise(index: number, value: number): number {
    if (!this.toDense()) return -1;
    return this.raiseDense(index, value) ? 1 : 0;
  }

  /** The opcodes replacing run op (registers first..first+span-1) once register index holds value. */
  private splitRun(op: number, first: number, span: number, index: number, value: number): Uint8Array {
    const out = new Uint8Array(5);
    let n = 0;
    const last = first + span - 1;
    const before = index - first;
    const after = last - index;
    const writeZeros = (length: number) => {
      if (length > SPARSE_ZERO_MAX_LEN) {
        out[n++] = 0x40 | ((length - 1) >> 8);
        out[n++] = (length - 1) & 0xff;
      } else out[n++] = length - 1;
    };
    if (op & 0x80) {
      const current = valValue(op);
      if (before > 0) out[n++] = valOpcode(current, before);
      out[n++] = valOpcode(value, 1);
      if (after > 0) out[n++] = valOpcode(current, after);
    } else {
      if (before > 0) writeZeros(before);
      out[n++] = valOpcode(value, 1);
      if (after > 0) writeZeros(after);
    }
    return out.subarray(0, n);
  }

  /**
   * After a change, joins adjacent VAL opcodes of equal value whose lengths
   * fit one opcode, scanning five opcodes from the one before the change;
   * marks the cached cardinality stale. Returns 1 (the register changed).
   */
  private mergeValues(previous: number): number {
    let p = previous >= 0 ? previous : HEADER_SIZE;
    for (let scan = 5; p < this.length && scan > 0; scan--) {
      const op = this.bytes[p];
      if (isXZero(op)) {
        p += 2;
        continue;
      }
      if (isZero(op)) {
        p++;
        continue;
      }
      const next = this.byteAt(p + 1);
      if (p + 1 < this.length && next & 0x80 && valValue(op) === valValue(next)) {
        const length = valLength(op) + valLength(next);
        if (length <= SPARSE_VAL_MAX_LEN) {
          this.bytes[p + 1] = valOpcode(valValue(op), length);
          this.bytes.copy(this.bytes, p, p + 1, this.length);
          this.length--;
          // Stay on the merged opcode: it may join its right neighbour too.
          continue;
        }
      }
      p++;
    }
    this.invalidateCache();
    return 1;
  }

  /** Adds an element (hllAdd): 1 if a register changed, 0 if not, -1 if corrupt. */
  add(element: string, sparseMaxBytes: number): number {
    const pattern = elementPattern(element);
    return this.raise(pattern >> 6, pattern & 63, sparseMaxBytes);
  }

  /** Raises max[i] to each register i (hllMerge); false when a sparse encoding is corrupt. */
  mergeInto(max: Uint8Array): boolean {
    if (!this.isSparse) {
      for (let i = 0; i < REGISTERS; i++) max[i] = Math.max(max[i], this.denseRegister(i));
      return true;
    }
    return this.walkSparse((first, run, value) => {
      for (let i = first; i < first + run; i++) if (value > max[i]) max[i] = value;
    });
  }

  /** The estimated cardinality (hllCount), or null when the sparse encoding is corrupt. */
  count(): number | null {
    histogram.fill(0);
    if (!this.isSparse) {
      for (let i = 0; i < REGISTERS; i++) histogram[this.denseRegister(i)]++;
      return estimate(histogram);
    }
    // Unlike conversion, counting takes every run as it comes and only checks the total.
    let index = 0;
    for (let p = HEADER_SIZE; p < this.length; p += this.opcodeSize(p)) {
      const op = this.bytes[p];
      const run = this.span(p);
      histogram[op & 0x80 ? valValue(op) : 0] += run;
      index += run;
    }
    return index === REGISTERS ? estimate(histogram) : null;
  }

  /** Every register of a dense HLL (PFDEBUG GETREG). */
  denseRegisters(): number[] {
    return Array.from({ length: REGISTERS }, (_, i) => this.denseRegister(i));
  }

  /** The sparse opcodes as PFDEBUG DECODE prints them: "z:len", "Z:len", "v:value,len". */
  decodeSparse(): string {
    const parts: string[] = [];
    for (let p = HEADER_SIZE; p < this.length; p += this.opcodeSize(p)) {
      const op = this.bytes[p];
      if (isZero(op)) parts.push(`z:${this.span(p)}`);
      else if (isXZero(op)) parts.push(`Z:${this.span(p)}`);
      else parts.push(`v:${valValue(op)},${valLength(op)}`);
    }
    return parts.join(' ');
  }
}

/** An empty dense HLL (PFSELFTEST compares it with a sparse one). */
export function createDense(): HyperLogLog {
  const hll = HyperLogLog.create();
  hll.toDense();
  return hll;
}
