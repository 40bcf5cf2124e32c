import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeDifferential, type Step } from '../support/differential.js';
import { callEach, recordKeyEvents } from '../support/key-events.js';
import { RawClient } from '../support/raw-client.js';
import { Generator } from '../support/random.js';

/** count distinct elements named prefix0, prefix1, ... in PFADDs of batch elements. */
function adds(key: string, prefix: string, count: number, batch = 100): Step[] {
  const steps: Step[] = [];
  for (let from = 0; from < count; from += batch) {
    const elements = Array.from({ length: Math.min(batch, count - from) }, (_, i) => `${prefix}${from + i}`);
    steps.push(['PFADD', key, ...elements]);
  }
  return steps;
}

/** Random binary elements, so that the hash sees every byte value and tail length. */
function binaryElements(seed: number, count: number): Buffer[] {
  const g = new Generator(seed);
  return Array.from({ length: count }, () => Buffer.from(Array.from({ length: g.int(20) }, () => g.int(256))));
}

describeDifferential('hyperloglog', (t) => {
  t.sequence('PFADD, PFCOUNT and the stored bytes', [
    ['PFADD', 'h'],
    ['GET', 'h'],
    ['PFCOUNT', 'h'],
    ['GET', 'h'],
    ['PFADD', 'h'],
    ['PFADD', 'h', 'a', 'b', 'c'],
    ['PFADD', 'h', 'a', 'b', 'c'],
    ['GET', 'h'],
    ['PFCOUNT', 'h'],
    ['GET', 'h'],
    ['PFADD', 'h', ''],
    ['PFADD', 'h', 'a'],
    ['GET', 'h'],
    ['PFCOUNT', 'missing'],
    ['EXISTS', 'missing'],
    ['PFDEBUG', 'ENCODING', 'h'],
    ['PFDEBUG', 'DECODE', 'h'],
  ]);
  t.sequence('binary elements hash as Redis hashes them', [['PFADD', 'h', ...binaryElements(1, 300)], ['GET', 'h'], ['PFCOUNT', 'h'], ['PFDEBUG', 'DECODE', 'h']]);
  t.sequence('sparse grows into dense with byte-identical values', [
    ...adds('h', 'e', 300, 50),
    ['GET', 'h'],
    ['PFCOUNT', 'h'],
    ['PFDEBUG', 'ENCODING', 'h'],
    ...adds('h', 'f', 3000),
    ['PFDEBUG', 'ENCODING', 'h'],
    ['GET', 'h'],
    ['PFCOUNT', 'h'],
    ...adds('h', 'g', 20000, 500),
    ['GET', 'h'],
    ['PFCOUNT', 'h'],
    ['GET', 'h'],
  ]);
  t.sequence('large cardinalities estimate as Redis does', [...adds('h', 'x', 120000, 2000), ['PFCOUNT', 'h'], ['GET', 'h']]);
  t.sequence('hll-sparse-max-bytes decides the promotion', [
    ['CONFIG', 'SET', 'hll-sparse-max-bytes', '60'],
    ...adds('small', 's', 40, 5),
    ['PFDEBUG', 'ENCODING', 'small'],
    ['GET', 'small'],
    ['CONFIG', 'SET', 'hll-sparse-max-bytes', '16000'],
    ...adds('big', 'b', 4000, 200),
    ['PFDEBUG', 'ENCODING', 'big'],
    ['GET', 'big'],
    ['PFCOUNT', 'big'],
    ['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000'],
  ]);
  // PFADD leaves its value's bytes in a buffer it reuses at the next PFADD of the same value: other values, copies and edits between.
  t.sequence('PFADD after PFADDs, copies and edits of other values', [
    ...adds('a', 'x', 5000, 1000),
    ...adds('b', 'y', 5000, 1000),
    ['PFADD', 'a', 'x1'],
    ['PFADD', 'b', 'x1', 'new-in-b'],
    ['PFADD', 'a', 'new-in-a'],
    ['COPY', 'a', 'c'],
    ['PFADD', 'c', 'only-in-c', 'and-this'],
    ['PFADD', 'a', 'x2'],
    ['GET', 'a'],
    ['GET', 'c'],
    ['PFCOUNT', 'a'],
    ['PFADD', 'a', 'another'],
    ['SETRANGE', 'a', '200', 'ZZZZ'],
    ['PFADD', 'a', 'x3'],
    ['GET', 'a'],
    ['PFADD', 's', 'p', 'q'],
    ['PFADD', 's', 'p'],
    ['APPEND', 's', ''],
    ['SETRANGE', 's', '20', '!'],
    ['PFADD', 's', 'r'],
    ['GET', 's'],
    ['GET', 'b'],
  ]);
  t.sequence('PFMERGE', [
    ['PFADD', 'a', 'x', 'y', 'z'],
    ['PFADD', 'b', 'y', 'z', 'w'],
    ...adds('d', 'd', 5000, 500),
    ['PFMERGE', 'm', 'a', 'b'],
    ['GET', 'm'],
    ['PFCOUNT', 'm'],
    ['PFMERGE', 'm', 'd'],
    ['GET', 'm'],
    ['PFCOUNT', 'm'],
    ['PFMERGE', 'a', 'b'],
    ['GET', 'a'],
    ['PFMERGE', 'e'],
    ['GET', 'e'],
    ['PFMERGE', 'f', 'missing', 'missing2'],
    ['GET', 'f'],
    ['SET', 'g', 'x', 'EX', '100'],
    ['PFMERGE', 'g', 'a'],
    ...adds('s1', 'p', 900, 300),
    ...adds('s2', 'q', 900, 300),
    ['PFMERGE', 's3', 's1', 's2'],
    ['PFDEBUG', 'ENCODING', 's3'],
    ['GET', 's3'],
  ]);
  t.sequence('PFCOUNT of several keys is the union', [
    ...adds('a', 'x', 1000),
    ...adds('b', 'x', 1500),
    ...adds('c', 'y', 20000, 1000),
    ['PFCOUNT', 'a', 'b'],
    ['PFCOUNT', 'a', 'b', 'c'],
    ['PFCOUNT', 'a', 'missing'],
    ['PFCOUNT', 'missing', 'missing2'],
    ['GET', 'a'],
  ]);
  t.sequence('type errors and corrupted values', [
    ['SET', 'str', 'bar'],
    ['PFADD', 'str', 'a'],
    ['PFCOUNT', 'str'],
    ['PFCOUNT', 'str', 'other'],
    ['PFMERGE', 'dest', 'str'],
    ['PFMERGE', 'str', 'dest'],
    ['LPUSH', 'list', 'a'],
    ['PFADD', 'list', 'a'],
    ['PFCOUNT', 'list'],
    ['PFMERGE', 'list'],
    ['SET', 'num', '12345678901234567890'],
    ['PFCOUNT', 'num'],
    ['PFADD', 'h', 'a', 'b', 'c'],
    ['APPEND', 'h', 'hello'],
    ['PFCOUNT', 'h'],
    ['PFCOUNT', 'h', 'h'],
    ['PFADD', 'h', 'zzzzz'],
    ['DEL', 'h'],
    ['PFADD', 'h', 'a', 'b', 'c'],
    ['SETRANGE', 'h', '0', '0123'],
    ['PFCOUNT', 'h'],
    ['DEL', 'h'],
    ['PFADD', 'h', 'a', 'b', 'c'],
    ['SETRANGE', 'h', '4', 'x'],
    ['PFCOUNT', 'h'],
    ['SETRANGE', 'h', '4', '\x00'],
    ['PFCOUNT', 'h'],
    ['PFADD', 'd', ...Array.from({ length: 2000 }, (_, i) => `v${i}`)],
    ['SETRANGE', 'd', '100', '\x01\x02\x03'],
    ['PFCOUNT', 'd'],
    ['GET', 'd'],
    ['SETRANGE', 'd', '15', '\x00'],
    ['PFCOUNT', 'd'],
    ['DEL', 'h'],
    ['PFADD', 'h', 'a'],
    ['SETRANGE', 'h', '16', '\x7f\xff\x7f\xff'],
    ['PFCOUNT', 'h'],
    ['PFADD', 'h', 'b'],
    ['PFMERGE', 'x', 'h'],
    ['PFDEBUG', 'GETREG', 'h'],
  ]);
  t.sequence('PFDEBUG', [
    ['PFDEBUG', 'ENCODING', 'missing'],
    ['SET', 'str', 'x'],
    ['PFDEBUG', 'ENCODING', 'str'],
    ['PFADD', 'h', 'a', 'b'],
    ['PFDEBUG', 'NOPE', 'h'],
    ['PFDEBUG', 'GETREG', 'h'],
    ['PFDEBUG', 'ENCODING', 'h'],
    ['PFDEBUG', 'DECODE', 'h'],
    ['PFDEBUG', 'TODENSE', 'h'],
    ['GET', 'h'],
    ['PFADD', 'h2', 'a', 'b'],
    ['PFDEBUG', 'TODENSE', 'h2'],
    ['PFDEBUG', 'TODENSE', 'h2'],
    ['GET', 'h2'],
    ['PFADD', 'h2', 'c'],
    ['GET', 'h2'],
    ['PFDEBUG', 'ENCODING'],
  ]);
  t.sequence('key specs', [
    { cmd: ['COMMAND', 'INFO', 'PFADD', 'PFCOUNT', 'PFMERGE', 'PFDEBUG', 'PFSELFTEST'], match: 'unordered' },
    ['COMMAND', 'GETKEYSANDFLAGS', 'PFMERGE', 'd', 's1', 's2'],
  ]);

  it('a value written by redis-server counts and grows the same in Keyhive', async () => {
    const ours = await RawClient.connect(t.servers.keyhive().port);
    const theirs = await RawClient.connect(t.servers.redis().port);
    try {
      for (const [i, n] of [10, 500, 5000].entries()) {
        const key = `transfer${i}`;
        const elements = Array.from({ length: n }, (_, j) => `t${i}-${j}`);
        await theirs.call('PFADD', key, ...elements);
        const bytes = Buffer.from(await theirs.callRaw('GET', key), 'latin1');
        const value = bytes.subarray(bytes.indexOf('\r\n') + 2, bytes.length - 2);
        await ours.call('SET', key, value);
        assert.equal(await ours.callRaw('PFCOUNT', key), await theirs.callRaw('PFCOUNT', key));
        const more = elements.map((e) => `${e}+`);
        assert.equal(await ours.callRaw('PFADD', key, ...more), await theirs.callRaw('PFADD', key, ...more));
        assert.equal(await ours.callRaw('GET', key), await theirs.callRaw('GET', key));
      }
    } finally {
      ours.close();
      theirs.close();
    }
  });
});

describeDifferential('hyperloglog: keyspace events and WATCH', (t) => {
  t.scenario('PFADD and PFMERGE notify pfadd; PFCOUNT refreshing its cache touches WATCH only', (connect) =>
    recordKeyEvents(connect, 'KEA', '__keyevent@9__:*', (c) =>
      callEach(c, [
        ['PFADD', 'h', 'a'],
        ['PFADD', 'h', 'a'],
        ['PFADD', 'h'],
        ['PFMERGE', 'm', 'h'],
        ['PFCOUNT', 'h'],
        ['WATCH', 'h'],
        ['PFCOUNT', 'h'],
        ['MULTI'],
        ['PING'],
        ['EXEC'],
        ['PFADD', 'h', 'b'],
        ['WATCH', 'h'],
        ['PFCOUNT', 'h'],
        ['MULTI'],
        ['PING'],
        ['EXEC'],
      ]),
    ),
  );
});
