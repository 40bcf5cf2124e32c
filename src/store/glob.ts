/**
 * Redis's glob-style matcher (stringmatchlen in util.c) for KEYS, SCAN MATCH,
 * PSUBSCRIBE, CONFIG GET and the like, over latin1 strings (one char per byte).
 *
 *   *        any run of bytes          ?        any one byte
 *   [abc]    one of a, b, c            [^abc]   any byte but those
 *   [a-z]    a range (ends in either order)     \x   the byte x literally
 *
 * The pattern is compiled once into tokens that each match exactly one byte
 * (or a star), then matched iteratively: on a mismatch only the last star is
 * retried one byte further, so matching costs at most O(pattern x string) and
 * no pattern can blow up the way naive recursive backtracking does.
 *
 * Redis's byte-level quirks are reproduced on purpose, because clients see them:
 * - an empty string matches only the empty pattern (even "*" does not match it;
 *   KEYS and SCAN special-case the lone "*" pattern themselves);
 * - an unterminated class "[abc" ends at the end of the pattern;
 * - in "[a-]" the closing bracket is taken as the range's end, so the class
 *   runs on to the end of the pattern;
 * - range ends compare as C's signed char, so bytes >= 0x80 sort below 0x00
 *   ("[a-\xff]" is the range -1..97);
 * - nocase folds only A-Z (C locale), and not for backslash-escaped class members.
 */

const STAR = 0;
const ANY = 1;
const LITERAL = 2;
const CLASS = 3;

const BACKSLASH = 0x5c;
const CARET = 0x5e;
const CLOSE_BRACKET = 0x5d;
const DASH = 0x2d;
const ASTERISK = 0x2a;
const QUESTION = 0x3f;
const OPEN_BRACKET = 0x5b;

/** tolower() in the C locale, on a byte or a signed char. */
function foldCase(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

/** The byte as C's (signed) char sees it. */
function signedChar(byte: number): number {
  return byte >= 128 ? byte - 256 : byte;
}

export class GlobPattern {
  /** One token per element: STAR, ANY, LITERAL or CLASS. */
  private readonly kinds: number[] = [];
  /** For LITERAL tokens the byte (case-folded under nocase), else 0. */
  private readonly literals: number[] = [];
  /** For CLASS tokens a 256-entry membership table, else null. */
  private readonly classes: (Uint8Array | null)[] = [];

  constructor(
    readonly source: string,
    readonly nocase = false,
  ) {
    this.compile(source);
  }

  /** Whether s (a latin1 string) matches the pattern, exactly as Redis's stringmatchlen decides. */
  matches(s: string): boolean {
    const kinds = this.kinds;
    const m = kinds.length;
    const n = s.length;
    if (n === 0) return m === 0;
    let p = 0;
    let i = 0;
    /** Token after the last star seen, and the string position that star resumes from. */
    let resumeP = -1;
    let resumeI = 0;
    while (i < n) {
      if (p < m && kinds[p] === STAR) {
        resumeP = ++p;
        resumeI = i;
        continue;
      }
      if (p < m && this.matchesByte(p, s.charCodeAt(i))) {
        p++;
        i++;
        continue;
      }
      if (resumeP < 0) return false;
      p = resumeP;
      i = ++resumeI;
    }
    while (p < m && kinds[p] === STAR) p++;
    return p === m;
  }

  private matchesByte(token: number, byte: number): boolean {
    switch (this.kinds[token]) {
      case ANY:
        return true;
      case LITERAL:
        return this.literals[token] === (this.nocase ? foldCase(byte) : byte);
      default:
        return (this.classes[token] as Uint8Array)[byte] === 1;
    }
  }

  private push(kind: number, literal = 0, table: Uint8Array | null = null): void {
    this.kinds.push(kind);
    this.literals.push(literal);
    this.classes.push(table);
  }

  private compile(pattern: string): void {
    const len = pattern.length;
    let i = 0;
    while (i < len) {
      const ch = pattern.charCodeAt(i);
      if (ch === ASTERISK) {
        if (this.kinds[this.kinds.length - 1] !== STAR) this.push(STAR);
        i++;
      } else if (ch === QUESTION) {
        this.push(ANY);
        i++;
      } else if (ch === OPEN_BRACKET) {
        i = this.compileClass(pattern, i + 1);
      } else {
        // A backslash escapes the next byte; a trailing one is itself literal.
        if (ch === BACKSLASH && i + 1 < len) i++;
        const byte = pattern.charCodeAt(i);
        this.push(LITERAL, this.nocase ? foldCase(byte) : byte);
        i++;
      }
    }
  }

  /** Compiles the class whose body starts at i; returns the index after it. */
  private compileClass(pattern: string, i: number): number {
    const len = pattern.length;
    const table = new Uint8Array(256);
    const negated = i < len && pattern.charCodeAt(i) === CARET;
    if (negated) i++;
    while (i < len) {
      const ch = pattern.charCodeAt(i);
      if (ch === BACKSLASH && i + 1 < len) {
        table[pattern.charCodeAt(i + 1)] = 1;
        i += 2;
      } else if (ch === CLOSE_BRACKET) {
        i++;
        break;
      } else if (i + 2 < len && pattern.charCodeAt(i + 1) === DASH) {
        this.addRange(table, ch, pattern.charCodeAt(i + 2));
        i += 3;
      } else {
        if (this.nocase) this.addFolded(table, ch);
        else table[ch] = 1;
        i++;
      }
    }
    if (negated) for (let b = 0; b < 256; b++) table[b] ^= 1;
    this.push(CLASS, 0, table);
    return i;
  }

  private addRange(table: Uint8Array, from: number, to: number): void {
    let start = signedChar(from);
    let end = signedChar(to);
    if (start > end) [start, end] = [end, start];
    // Redis folds the ends after ordering them, so "[Z-a]" matches nothing under nocase.
    if (this.nocase) {
      start = foldCase(start);
      end = foldCase(end);
    }
    for (let b = 0; b < 256; b++) {
      let c = signedChar(b);
      if (this.nocase) c = foldCase(c);
      if (c >= start && c <= end) table[b] = 1;
    }
  }

  /** Adds every byte equal to ch ignoring A-Z case. */
  private addFolded(table: Uint8Array, ch: number): void {
    const folded = foldCase(ch);
    for (let b = 0; b < 256; b++) if (foldCase(b) === folded) table[b] = 1;
  }
}

/** One-off match; compile a GlobPattern instead when matching many strings. */
export function globMatch(pattern: string, s: string, nocase = false): boolean {
  return new GlobPattern(pattern, nocase).matches(s);
}
