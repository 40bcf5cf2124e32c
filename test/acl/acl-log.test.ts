/** The ACL log's grouping of repeated denials and its length limit, with explicit times. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AclLog } from '../../src/server/acl-log.js';

const MAX = 128;

function denial(object: string, extra: Partial<{ username: string; reason: 'command' | 'key' | 'auth'; clientInfo: string }> = {}) {
  return { reason: 'command' as const, context: 'toplevel' as const, object, username: 'u', clientInfo: 'id=1', ...extra };
}

describe('ACL log', () => {
  it('a repeat within a minute bumps the entry, moves it first and keeps the latest client', () => {
    const log = new AclLog();
    log.add(denial('get'), 0, MAX);
    log.add(denial('set'), 10, MAX);
    log.add(denial('get', { clientInfo: 'id=2' }), 60_000, MAX);
    const [first, second] = log.latest(10);
    assert.deepEqual(
      { object: first.object, count: first.count, time: first.time, clientInfo: first.clientInfo },
      { object: 'get', count: 2, time: 60_000, clientInfo: 'id=2' },
    );
    assert.equal(second.object, 'set');
  });

  it('a repeat after more than a minute, or differing in user, reason or object, is a new entry', () => {
    const log = new AclLog();
    log.add(denial('get'), 0, MAX);
    log.add(denial('get'), 60_001, MAX);
    log.add(denial('get', { username: 'other' }), 60_001, MAX);
    log.add(denial('get', { reason: 'key' }), 60_001, MAX);
    log.add(denial('GET'), 60_001, MAX);
    assert.deepEqual(
      log.latest(10).map((e) => e.count),
      [1, 1, 1, 1, 1],
    );
  });

  it('only the ten newest entries are looked at for a repeat', () => {
    const log = new AclLog();
    for (let i = 0; i <= 10; i++) log.add(denial(`cmd${i}`), 0, MAX);
    log.add(denial('cmd1'), 0, MAX);
    assert.equal(log.latest(100).filter((e) => e.object === 'cmd1').length, 1);
    log.add(denial('cmd0'), 0, MAX);
    assert.equal(log.latest(100).filter((e) => e.object === 'cmd0').length, 2);
  });

  it('keeps at most the configured number of entries, newest first', () => {
    const log = new AclLog();
    for (const object of ['a', 'b', 'c']) log.add(denial(object), 0, 2);
    assert.deepEqual(
      log.latest(10).map((e) => e.object),
      ['c', 'b'],
    );
    log.add(denial('d'), 0, 0);
    assert.deepEqual(log.latest(10), []);
    log.add(denial('e'), 0, MAX);
    log.reset();
    assert.deepEqual(log.latest(10), []);
  });
});
