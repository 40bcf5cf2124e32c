/**
 * The hash type (Redis's t_hash.c encodings). A small hash is a flat
 * [field, value, field, value, ...] array in insertion order, as Redis's
 * listpack is, so small hashes reply in exactly Redis's order. Once it holds
 * more than hash-max-listpack-entries fields, or is given a field or value
 * longer than hash-max-listpack-value bytes, it becomes a Dict, for good
 * (Redis never converts back either).
 *
 * A table of more than hash-max-listpack-entries fields keeps each field and
 * its value as one record outside the V8 heap (DictOptions.records, see
 * records.ts): a pair takes a 4-byte header rather than two string headers,
 * which is what keeps a large hash leaner than Redis's, and a value written
 * again goes into its record in place, where a new string stored into a
 * table that has outlived a few scavenges would be copied and promoted by
 * the next ones. A smaller table, one made for a long field or value, keeps
 * them apart until it grows that large: a record costs the reads that need
 * a string (HRANDFIELD, HSCAN, HINCRBY...) one made of its bytes; HGET,
 * HMGET, HGETALL, HKEYS and HVALS write the bytes as they are.
 */
import { Dict, hashString } from './dict.js';
import type { Collection } from './keyspace.js';
import { arrayBytes, objectBytes, stringBytes } from './memory.js';
import type { ByteSink } from './records.js';
import type { Slotted } from './sample.js';

/** Where a hash's fields and values are written out as bulk strings (the reply writer). */
export interface BulkSink extends ByteSink {
  bulk(s: string): void;
}

/** hash-max-listpack-entries and hash-max-listpack-value. */
export interface HashLimits {
  maxListpackEntries: number;
  maxListpackValue: number;
}

/** A table for the hashtable encoding, with room for capacity fields; records: fields and values in records (see above). */
function newTable(capacity: number, records: boolean): Dict<string> {
  return new Dict<string>({ records, capacity });
}

/** Bytes of the record or the strings that hold entry id's field and value (see memory.ts). */
function pairBytes(table: Dict<string>, id: number): number {
  const record = table.recordBytesAt(id);
  if (record >= 0) return record;
  return stringBytes(table.keyAt(id).length) + stringBytes(table.valueAt(id).length);
}

export class Hash implements Collection, Slotted {
  readonly type = 'hash';
  /** Kept by the keyspace (see memory.ts). */
  accountedBytes = 0;
  /** The listpack encoding; empty once the table is in use. */
  private pairs: string[] = [];
  private table: Dict<string> | null = null;
  /** Bytes of the field and value strings, or of their records (see memory.ts). */
  private stringBytes = 0;

  get size(): number {
    return this.table ? this.table.size : this.pairs.length >> 1;
  }

  /** The Dict behind the hashtable encoding (for HSCAN cursors); null while a listpack. */
  get dict(): Dict<string> | null {
    return this.table;
  }

  encoding(): string {
    return this.table ? 'hashtable' : 'listpack';
  }

  memoryUsage(): number {
    return objectBytes(4) + this.stringBytes + (this.table ? this.table.memoryUsage() : arrayBytes(this.pairs.length));
  }

  clone(): Hash {
    const copy = new Hash();
    if (this.table) {
      // Counted as added: a pair the original keeps apart though it would fit a record goes into one here.
      const table = newTable(this.size, this.table.keepsRecords);
      copy.stringBytes = this.addPairsTo(table);
      copy.table = table;
    } else {
      copy.pairs = this.pairs.slice();
      copy.stringBytes = this.stringBytes;
    }
    return copy;
  }

  /** Index of field in pairs, or -1. */
  private indexOf(field: string): number {
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === field) return i;
    return -1;
  }

  get(field: string): string | undefined {
    if (this.table) return this.table.get(field);
    const i = this.indexOf(field);
    return i < 0 ? undefined : this.pairs[i + 1];
  }

  /** Writes field's value to sink as a bulk string, as bytes if it is in a record; returns false, writing nothing, when field is missing. */
  writeValueTo(field: string, sink: BulkSink): boolean {
    const table = this.table;
    if (table === null) {
      const value = this.get(field);
      if (value !== undefined) sink.bulk(value);
      return value !== undefined;
    }
    const id = table.find(field);
    if (id >= 0 && !table.writeRecordTo(id, sink)) sink.bulk(table.valueAt(id));
    return id >= 0;
  }

  has(field: string): boolean {
    return this.table ? this.table.has(field) : this.indexOf(field) >= 0;
  }

  /** Sets field to value; returns whether the field is new. */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (!this.table && (field.length > limits.maxListpackValue || value.length > limits.maxListpackValue)) this.convert(false);
    return this.table ? this.setInTable(this.table, field, value, limits) : this.setInListpack(field, value, limits);
  }

  private setInTable(table: Dict<string>, field: string, value: string, limits: HashLimits): boolean {
    const h = hashString(field);
    const id = table.find(field, h);
    if (id < 0) {
      this.stringBytes += pairBytes(table, table.add(field, value, h));
      if (!table.keepsRecords && table.size > limits.maxListpackEntries) this.moveTo(newTable(table.size, true));
      return true;
    }
    const before = pairBytes(table, id);
    table.setValueAt(id, value, field);
    // A pair a long value took out of its record goes back into one once its value fits again.
    table.packAt(id);
    this.stringBytes += pairBytes(table, id) - before;
    return false;
  }

  private setInListpack(field: string, value: string, limits: HashLimits): boolean {
    const pairs = this.pairs;
    const i = this.indexOf(field);
    if (i >= 0) {
      this.stringBytes += stringBytes(value.length) - stringBytes(pairs[i + 1].length);
      pairs[i + 1] = value;
      return false;
    }
    pairs.push(field, value);
    this.stringBytes += stringBytes(field.length) + stringBytes(value.length);
    if (pairs.length >> 1 > limits.maxListpackEntries) this.convert(true);
    return true;
  }

  /**
   * Converts now if an argument of length `length` is too long for the
   * listpack: Redis checks the raw arguments of HINCRBYFLOAT (the increment
   * too) before it computes the value it stores.
   */
  fitArgument(length: number, limits: HashLimits): void {
    if (!this.table && length > limits.maxListpackValue) this.convert(false);
  }

  delete(field: string): boolean {
    const table = this.table;
    if (table) {
      const id = table.find(field);
      if (id < 0) return false;
      this.stringBytes -= pairBytes(table, id);
      table.deleteAt(id);
      return true;
    }
    const i = this.indexOf(field);
    if (i < 0) return false;
    this.stringBytes -= stringBytes(field.length) + stringBytes(this.pairs[i + 1].length);
    this.pairs.splice(i, 2);
    return true;
  }

  /** Moves the pairs into a table (records: see above), their running count of bytes with them. */
  private convert(records: boolean): void {
    this.moveTo(newTable((this.pairs.length >> 1) + 1, records));
  }

  /** Moves every field and value into table, an empty one, which becomes the hash's; the bytes are counted again. */
  private moveTo(table: Dict<string>): void {
    this.stringBytes = this.addPairsTo(table);
    this.table = table;
    this.pairs = [];
  }

  /** Adds every field and value to table, an empty one; returns the bytes they take there (see pairBytes). */
  private addPairsTo(table: Dict<string>): number {
    let bytes = 0;
    this.forEach((field, value) => (bytes += pairBytes(table, table.add(field, value))));
    return bytes;
  }

  /** Visits every field and value, in Redis's order for the listpack encoding. */
  forEach(visit: (field: string, value: string) => void): void {
    if (this.table) {
      const table = this.table;
      table.forEachId((id) => visit(table.keyAt(id), table.valueAt(id)));
      return;
    }
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i += 2) visit(pairs[i], pairs[i + 1]);
  }

  /**
   * Writes every field, value or both to sink as bulk strings, in forEach's
   * order (HGETALL, HKEYS, HVALS). Those in records go as their bytes, with
   * no string made: per field of HGETALL of 1,000 fields, the hash and the
   * reply writer alone, 99 ns against 143 with strings made of the records
   * (114 when fields and values were packed strings).
   */
  writeEntries(sink: BulkSink, fields: boolean, values: boolean): void {
    const table = this.table;
    if (table === null) {
      return this.forEach((field, value) => {
        if (fields) sink.bulk(field);
        if (values) sink.bulk(value);
      });
    }
    table.forEachId((id) => {
      if (fields && !table.writeRecordKeyTo(id, sink)) sink.bulk(table.keyAt(id));
      if (values && !table.writeRecordTo(id, sink)) sink.bulk(table.valueAt(id));
    });
  }

  // ---- slots: pair numbers in the listpack, entry ids in the table -------

  randomSlot(): number {
    return this.table ? this.table.randomId() : Math.floor(Math.random() * (this.pairs.length >> 1));
  }

  slots(): number[] {
    if (this.table) return this.table.idList();
    return Array.from({ length: this.pairs.length >> 1 }, (_, i) => i);
  }

  fieldAt(slot: number): string {
    return this.table ? this.table.keyAt(slot) : this.pairs[2 * slot];
  }

  valueAt(slot: number): string {
    return this.table ? this.table.valueAt(slot) : this.pairs[2 * slot + 1];
  }
}
