/**
 * The hashtable encoding of a hash: a Dict from field to value that stores
 * each pair as ONE flat latin1 string, the field's bytes then the value's,
 * with the field's length in the tag column. A Dict<string> would keep two
 * strings and two pointers per field; packing saves a string header (16
 * bytes), a pointer column and one rounding to 8 bytes: a 12-byte field with
 * a 12-byte value takes about 64 bytes instead of 96 (see memory.ts).
 *
 * Reads slice the packed string: a slice of 13 bytes or more is a V8
 * SlicedString pointing into it (no copy), a shorter one a fresh copy.
 */
import { Dict, hashString } from './dict.js';
import { stringBytes } from './memory.js';

/**
 * field then value as one sequential string. `field + value` would make a
 * ConsString (a 32-byte object keeping both parts alive); Array.prototype.join
 * copies both into one flat string.
 */
function pack(field: string, value: string): string {
  return [field, value].join('');
}

export class PackedDict extends Dict<string> {
  constructor() {
    super({ keysOnly: true, tags: true });
  }

  protected override holds(id: number, field: string): boolean {
    return this.tagAt(id) === field.length && (this.keys[id] as string).startsWith(field);
  }

  override set(field: string, value: string): number {
    const id = this.find(field);
    if (id < 0) return this.add(field, value);
    this.setValueAt(id, value);
    return id;
  }

  override findOrAdd(field: string, value: string): number {
    const id = this.find(field);
    return id < 0 ? this.add(field, value) : id;
  }

  override add(field: string, value: string): number {
    const id = this.insertNew(pack(field, value), '', hashString(field));
    this.setTagAt(id, field.length);
    return id;
  }

  override keyAt(id: number): string {
    return (this.keys[id] as string).slice(0, this.tagAt(id));
  }

  override valueAt(id: number): string {
    return (this.keys[id] as string).slice(this.tagAt(id));
  }

  override setValueAt(id: number, value: string): void {
    this.keys[id] = pack(this.keyAt(id), value);
  }

  /** Bytes of entry id's packed string (see memory.ts), for the hash's running count. */
  bytesAt(id: number): number {
    return stringBytes((this.keys[id] as string).length);
  }
}
