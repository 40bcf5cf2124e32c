import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GlobPattern, globMatch } from '../../src/store/glob.js';
import { prng } from '../support/prng.js';
import { RawClient } from '../support/raw-client.js';
import { startRedis, type ReferenceServer } from '../support/servers.js';

describe('glob: documented behaviour', () => {
  const cases: [pattern: string, subject: string, expected: boolean][] = [
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h*llo', 'heeeello', true],
    ['h*llo', 'hllo', true],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hallo', true],
    ['h\\*llo', 'h*llo', true],
    ['h\\*llo', 'hello', false],
    ['a\\', 'a\\', true],
    ['*', 'anything', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxbyy', false],
    ['**a', 'ba', true],
    ['', '', true],
    ['', 'a', false],
  ];
  for (const [pattern, subject, expected] of cases) {
    it(`${JSON.stringify(pattern)} vs ${JSON.stringify(subject)} is ${expected}`, () => {
      assert.equal(globMatch(pattern, subject), expected);
    });
  }

  it('an empty string matches only the empty pattern, as in Redis', () => {
    assert.equal(globMatch('*', ''), false);
    assert.equal(globMatch('**', ''), false);
    assert.equal(globMatch('a*', 'a'), true);
  });

  it('unterminated classes run to the end of the pattern', () => {
    assert.equal(globMatch('[ab', 'a'), true);
    assert.equal(globMatch('[ab', 'ab'), false);
    assert.equal(globMatch('[', 'a'), false);
    assert.equal(globMatch('[^', 'a'), true);
  });

  it('"[a-]" takes the closing bracket as the range end', () => {
    // The range is "]".."a" and the class continues to the pattern's end, taking in "x".
    assert.equal(globMatch('[a-]x', '^'), true);
    assert.equal(globMatch('[a-]x', 'x'), true);
    assert.equal(globMatch('[a-]x', 'b'), false);
    assert.equal(globMatch('[a-]x', 'ax'), false);
  });

  it('range ends compare as signed chars', () => {
    assert.equal(globMatch('[a-\xff]', '\x00'), true);
    assert.equal(globMatch('[a-\xff]', '\xff'), true);
    assert.equal(globMatch('[a-\xff]', 'b'), false);
    assert.equal(globMatch('[a-\xff]', '\x80'), false);
  });

  it('nocase folds A-Z only, and not for escaped class members', () => {
    assert.equal(globMatch('HeLLo', 'hello', true), true);
    assert.equal(globMatch('[H]ello', 'hello', true), true);
    assert.equal(globMatch('[\\H]ello', 'hello', true), false);
    assert.equal(globMatch('[A-C]', 'b', true), true);
    assert.equal(globMatch('[Z-a]', 'z', true), false);
    assert.equal(globMatch('\xc0', '\xe0', true), false);
  });

  it('pathological patterns finish quickly (no exponential backtracking)', () => {
    const subject = 'a'.repeat(5000);
    const pattern = new GlobPattern(`${'a*'.repeat(200)}b`);
    assert.equal(pattern.matches(subject), false);
    assert.equal(new GlobPattern(`${'*a'.repeat(200)}`).matches(subject), true);
  });
});

function randomString(next: () => number, alphabet: string, maxLength: number): string {
  const length = Math.floor(next() * (maxLength + 1));
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}

describe('glob: same answers as redis-server', () => {
  let redis: ReferenceServer;
  let client: RawClient;
  before(async () => {
    redis = await startRedis();
    client = await RawClient.connect(redis.port);
  });
  after(async () => {
    client?.close();
    await redis?.close();
  });

  /** Asks redis-server which of keys match each pattern, via KEYS on a database holding exactly keys. */
  async function redisKeys(keys: string[], patterns: string[]): Promise<string[][]> {
    await client.call('FLUSHALL');
    await client.call('MSET', ...keys.flatMap((k) => [k, '1']));
    for (const p of patterns) client.send('KEYS', p);
    const replies: string[][] = [];
    for (let i = 0; i < patterns.length; i++) replies.push(((await client.read()) as string[]).sort());
    return replies;
  }

  function ours(keys: string[], pattern: string): string[] {
    if (pattern === '*') return [...keys].sort(); // KEYS's fast path, which also lists the empty key
    const compiled = new GlobPattern(pattern);
    return keys.filter((k) => compiled.matches(k)).sort();
  }

  async function compare(keys: string[], patterns: string[]): Promise<void> {
    const theirs = await redisKeys(keys, patterns);
    patterns.forEach((p, i) => assert.deepEqual(ours(keys, p), theirs[i], `pattern ${JSON.stringify(p)}`));
  }

  it('every single byte against tricky patterns', async () => {
    const keys = Array.from({ length: 256 }, (_, b) => String.fromCharCode(b));
    keys.push('', 'ab', 'a]', '\\a', 'aa');
    await compare(keys, [
      '*', '?', '[a-]', '[a-]*', '[]a]', '[]', '[^]', '[\\]]', '[\\', '[a-\xff]', '[\xff-a]', '[\x80-\xff]',
      '[\x00-\x7f]', '[^a-z]', '[z-a]', '[--/]', '[a-c-e]', '\\', '\\a', '[\\a-c]', '[^', '[', 'a[', '**',
      '*?', '?*', '[!a]', '[A-z]', '*]', '\x00', '[\x00]',
    ]);
  });

  it('random patterns over random keys (fuzz)', async () => {
    const next = prng(20240601);
    const keyAlphabet = 'ab]\\*?[-^\xff\x00A';
    const patternAlphabet = 'ab*?[]^-\\\xff\x00A';
    const keys = [...new Set(Array.from({ length: 300 }, () => randomString(next, keyAlphabet, 6)))];
    const patterns = Array.from({ length: 2000 }, () => randomString(next, patternAlphabet, 8));
    await compare(keys, patterns);
  });

  it('nocase matching agrees with CONFIG GET', async () => {
    const all = (await client.call('CONFIG', 'GET', '*')) as string[];
    const names = all.filter((_, i) => i % 2 === 0);
    const patterns = ['MAXMEMORY*', '[M-M]axmemory', '[Z-a]*', '[a-Z]*', '*-[P-P]olicy', '[\\M]axmemory', 'H?', '[^A-L]*'];
    for (const p of patterns) {
      const theirs = ((await client.call('CONFIG', 'GET', p)) as string[]).filter((_, i) => i % 2 === 0).sort();
      const compiled = new GlobPattern(p, true);
      assert.deepEqual(names.filter((n) => compiled.matches(n)).sort(), theirs, `pattern ${JSON.stringify(p)}`);
    }
  });
});
