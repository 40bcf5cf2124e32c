import { describeDifferential } from '../support/differential.js';

describeDifferential('protocol basics', (t) => {
  t.sequence('PING, ECHO and errors', [
    ['PING'],
    ['PING', 'hello'],
    ['PING', 'a', 'b'],
    ['ECHO', 'bin\r\n\0ary'],
    ['NOSUCHCOMMAND', 'x', 'y'],
    ['GET'],
    ['get', 'a', 'b'],
  ]);
  t.sequence('SET then GET with binary values', [
    ['SET', 'k\r\n', Buffer.from([0, 1, 2, 255, 13, 10])],
    ['GET', 'k\r\n'],
    ['GET', 'missing'],
  ]);
  t.sequence('inline commands', [{ raw: 'PING\r\n' }, { raw: 'ECHO "a b\\x41"\r\n' }, { raw: 'SET x   y\n' }, { raw: 'GET x\r\n' }]);
  // A quote inside an unquoted argument opens a quoted part of the same argument, as in sdssplitargs.
  t.sequence('inline arguments with quoted parts, blanks and empty quotes', [
    { raw: 'ECHO a"b c"\r\n' },
    { raw: "ECHO x'y z'\r\n" },
    { raw: 'RPUSH inl\tp1   "" \'\' p"\\x41"\r\n' },
    { raw: "RPUSH inl 'it\\'s' plain\r\n" },
    { raw: 'LRANGE inl 0 -1\r\n' },
  ]);
  t.sequence('MULTI/EXEC with queuing error', [
    ['MULTI'],
    ['SET', 'a', '1'],
    ['NOPE'],
    ['EXEC'],
    ['EXEC'],
    ['MULTI'],
    ['SET', 'a', '2'],
    ['GET', 'a'],
    ['EXEC'],
  ]);
});
