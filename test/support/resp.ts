/**
 * A minimal RESP2/RESP3 reply reader for tests: finds where one reply ends
 * (for byte-exact comparison) and decodes replies into plain values.
 */

export type RespValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | RespError
  | RespValue[]
  | Map<RespValue, RespValue>
  | Set<RespValue>
  | { push: RespValue[] }
  | { verbatim: string; format: string };

export class RespError {
  constructor(readonly message: string) {}
  toString(): string {
    return `(error) ${this.message}`;
  }
}

function lineEnd(buf: Buffer, pos: number): number {
  const i = buf.indexOf('\r\n', pos, 'latin1');
  return i;
}

/** Decodes one reply at pos; returns [value, nextPos] or null when incomplete. */
export function decodeReply(buf: Buffer, pos = 0): [RespValue, number] | null {
  if (pos >= buf.length) return null;
  const type = String.fromCharCode(buf[pos]);
  const end = lineEnd(buf, pos);
  if (end < 0) return null;
  const line = buf.latin1Slice(pos + 1, end);
  const next = end + 2;
  const aggregate = (n: number, from: number): [RespValue[], number] | null => {
    const items: RespValue[] = [];
    let p = from;
    for (let i = 0; i < n; i++) {
      const r = decodeReply(buf, p);
      if (!r) return null;
      items.push(r[0]);
      p = r[1];
    }
    return [items, p];
  };
  switch (type) {
    case '+':
      return [line, next];
    case '-':
      return [new RespError(line), next];
    case ':':
      return [Number(line), next];
    case '(':
      return [BigInt(line), next];
    case ',':
      return [line === 'inf' ? Infinity : line === '-inf' ? -Infinity : Number(line), next];
    case '#':
      return [line === 't', next];
    case '_':
      return [null, next];
    case '$':
    case '=':
    case '!': {
      const n = Number(line);
      if (n < 0) return [null, next];
      if (buf.length < next + n + 2) return null;
      const s = buf.latin1Slice(next, next + n);
      if (type === '!') return [new RespError(s), next + n + 2];
      if (type === '=') return [{ verbatim: s.slice(4), format: s.slice(0, 3) }, next + n + 2];
      return [s, next + n + 2];
    }
    case '*':
    case '~':
    case '>': {
      const n = Number(line);
      if (n < 0) return [null, next];
      const r = aggregate(n, next);
      if (!r) return null;
      if (type === '~') return [new Set(r[0]), r[1]];
      if (type === '>') return [{ push: r[0] }, r[1]];
      return r;
    }
    case '%':
    case '|': {
      const n = Number(line);
      const r = aggregate(2 * n, next);
      if (!r) return null;
      const m = new Map<RespValue, RespValue>();
      for (let i = 0; i < r[0].length; i += 2) m.set(r[0][i], r[0][i + 1]);
      if (type === '|') {
        // An attribute precedes the real reply.
        return decodeReply(buf, r[1]);
      }
      return [m, r[1]];
    }
    default:
      throw new Error(`bad reply type byte ${JSON.stringify(type)} at ${pos}: ${JSON.stringify(buf.latin1Slice(pos, pos + 40))}`);
  }
}

/** Encodes a command as a RESP multibulk frame. */
export function encodeCommand(args: (string | Buffer | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'latin1');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}
