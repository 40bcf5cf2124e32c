/**
 * The set type (Redis's t_set.c encodings). While every member is an integer
 * and there are at most set-max-intset-entries of them, a set is an "intset":
 * members kept sorted by numeric value, so it iterates in Redis's order.
 * Otherwise it is a Dict, for good (Redis never converts back either).
 *
 * Intset members are kept as their decimal strings (canonical, since only
 * strings Redis's string2ll accepts get in), compared numerically without
 * converting: int64 does not fit a JS number.
 */
import { Dict } from './dict.js';
import { isInt64 } from './int64.js';
import type { Collection } from './keyspace.js';
import { arrayBytes, objectBytes, stringBytes } from './memory.js';
import type { Slotted } from './sample.js';

/** Redis caps set-max-intset-entries here because of intset internals. */
const INTSET_HARD_LIMIT = 1 << 30;

/** Numeric order of two canonical int64 decimal strings. */
function compareIntegers(a: string, b: string): number {
  const aNegative = a.charCodeAt(0) === 45;
  if (aNegative !== (b.charCodeAt(0) === 45)) return aNegative ? -1 : 1;
  // Same sign: a longer number is larger in magnitude.
  if (a.length !== b.length) return a.length < b.length !== aNegative ? -1 : 1;
  if (a === b) return 0;
  return a < b !== aNegative ? -1 : 1;
}

export class SetValue implements Collection, Slotted {
  readonly type = 'set';
  /** Kept by the keyspace (see memory.ts). */
  accountedBytes = 0;
  /** The intset encoding; empty once the table is in use. */
  private ints: string[] = [];
  private table: Dict | null = null;
  /** Bytes of the member strings (see memory.ts). */
  private stringBytes = 0;

  get size(): number {
    return this.table ? this.table.size : this.ints.length;
  }

  /** The Dict behind the hashtable encoding (for SSCAN cursors); null while an intset. */
  get dict(): Dict | null {
    return this.table;
  }

  encoding(): string {
    return this.table ? 'hashtable' : 'intset';
  }

  memoryUsage(): number {
    return objectBytes(4) + this.stringBytes + (this.table ? this.table.memoryUsage() : arrayBytes(this.ints.length));
  }

  clone(): SetValue {
    const copy = new SetValue();
    copy.stringBytes = this.stringBytes;
    if (this.table) copy.table = this.asTable(this.size);
    else copy.ints = this.ints.slice();
    return copy;
  }

  /**
   * Position of member in the intset, or -(insertion point + 1). Any string
   * may be searched: one that is not a canonical integer is never found.
   */
  private search(member: string): number {
    const ints = this.ints;
    let lo = 0;
    let hi = ints.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const order = compareIntegers(ints[mid], member);
      if (order === 0) return mid;
      if (order < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -(lo + 1);
  }

  has(member: string): boolean {
    return this.table ? this.table.has(member) : this.search(member) >= 0;
  }

  /**
   * Adds member; returns whether it is new. maxIntsetEntries is
   * set-max-intset-entries; expectedSize, the members the set will hold at
   * least (a union, its largest input's), made room for if this add makes
   * it a table.
   */
  add(member: string, maxIntsetEntries: number, expectedSize = 0): boolean {
    if (!this.table) {
      if (isInt64(member)) return this.addInteger(member, maxIntsetEntries);
      this.convert(expectedSize);
    }
    const table = this.table as Dict;
    const before = table.size;
    table.set(member, undefined);
    if (table.size === before) return false;
    this.stringBytes += stringBytes(member.length);
    return true;
  }

  private addInteger(member: string, maxIntsetEntries: number): boolean {
    const at = this.search(member);
    if (at >= 0) return false;
    this.ints.splice(-at - 1, 0, member);
    this.stringBytes += stringBytes(member.length);
    if (this.ints.length > Math.min(maxIntsetEntries, INTSET_HARD_LIMIT)) this.convert();
    return true;
  }

  delete(member: string): boolean {
    if (this.table) {
      if (!this.table.delete(member)) return false;
    } else {
      const at = this.search(member);
      if (at < 0) return false;
      this.ints.splice(at, 1);
    }
    this.stringBytes -= stringBytes(member.length);
    return true;
  }

  private convert(expectedSize = 0): void {
    this.table = this.asTable(Math.max(this.size + 1, expectedSize));
    this.ints = [];
  }

  /** The members in a new table (the hashtable encoding) with room for capacity of them. */
  private asTable(capacity: number): Dict {
    const table = new Dict({ keysOnly: true, capacity });
    this.forEach((member) => table.add(member, undefined));
    return table;
  }

  /** Visits every member; an intset in ascending order, as Redis does. */
  forEach(visit: (member: string) => void): void {
    if (this.table) {
      this.table.forEachKey(visit);
      return;
    }
    const ints = this.ints;
    for (let i = 0; i < ints.length; i++) visit(ints[i]);
  }

  // ---- slots: positions in the intset, entry ids in the table ------------

  randomSlot(): number {
    return this.table ? this.table.randomId() : Math.floor(Math.random() * this.ints.length);
  }

  slots(): number[] {
    if (this.table) return this.table.idList();
    return Array.from({ length: this.ints.length }, (_, i) => i);
  }

  memberAt(slot: number): string {
    return this.table ? this.table.keyAt(slot) : this.ints[slot];
  }

  randomMember(): string {
    return this.memberAt(this.randomSlot());
  }
}
