import { describeDifferential, type Step } from '../support/differential.js';
import { callEach, recordKeyEvents } from '../support/key-events.js';
import { Generator } from '../support/random.js';

const SICILY = ['GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania', '12.758489', '38.788135', 'edge1', '17.241510', '38.788135', 'edge2'];
const EDGES = ['GEOADD', 'edges', '180', '0', 'east', '-180', '0', 'west', '0', '85.05112878', 'north', '0', '-85.05112878', 'south', '180', '85.05112878', 'corner', '0', '0', 'origin'];

/** Random points, so that searches cover every cell position, hemisphere and encoding. */
function randomPoints(g: Generator, key: string, n: number, around?: [number, number], spread = 2): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < n; i += 50) {
    const args: string[] = [];
    for (let j = i; j < Math.min(n, i + 50); j++) {
      const [lon, lat] = around
        ? [around[0] + (g.int(200000) / 100000 - 1) * spread, around[1] + (g.int(200000) / 100000 - 1) * spread]
        : [g.int(36000000) / 100000 - 180, g.int(17000000) / 100000 - 85];
      args.push(lon.toFixed(5), Math.max(-85, Math.min(85, lat)).toFixed(5), `p${j}`);
    }
    steps.push(['GEOADD', key, ...args]);
  }
  return steps;
}

function randomSearch(g: Generator, key: string, centre: [number, number], spread: number): Step {
  const lon = (centre[0] + (g.int(2000) / 1000 - 1) * spread).toFixed(4);
  const lat = Math.max(-85, Math.min(85, centre[1] + (g.int(2000) / 1000 - 1) * spread)).toFixed(4);
  const unit = g.pick(['m', 'km', 'mi', 'ft']);
  const size = () => String(g.pick([1, 50, 500, 5000, 100000, 2000000]) / (unit === 'm' || unit === 'ft' ? 1 : 1000));
  const by = g.int(2) === 0 ? ['BYRADIUS', size(), unit] : ['BYBOX', size(), size(), unit];
  const from = g.int(4) === 0 ? ['FROMMEMBER', `p${g.int(100)}`] : ['FROMLONLAT', lon, lat];
  const order = g.pick([[], ['ASC'], ['DESC']]);
  const count = g.pick([[], [], ['COUNT', String(g.between(1, 20))]]);
  return ['GEOSEARCH', key, ...from, ...by, ...order, ...count, 'WITHDIST', 'WITHCOORD', 'WITHHASH'];
}

describeDifferential('geo', (t) => {
  t.sequence('GEOADD scores, GEOPOS, GEOHASH, GEODIST', [
    SICILY,
    ['ZRANGE', 'Sicily', '0', '-1', 'WITHSCORES'],
    ['ZSCORE', 'Sicily', 'Palermo'],
    ['ZMSCORE', 'Sicily', 'Catania', 'edge1', 'edge2'],
    ['GEOPOS', 'Sicily', 'Palermo', 'Catania', 'nope', 'edge1'],
    ['GEOHASH', 'Sicily', 'Palermo', 'Catania', 'nope', 'edge2'],
    ['GEODIST', 'Sicily', 'Palermo', 'Catania'],
    ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'km'],
    ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'MI'],
    ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'ft'],
    ['GEODIST', 'Sicily', 'Palermo', 'Palermo'],
    ['GEODIST', 'Sicily', 'Palermo', 'nope'],
    ['GEODIST', 'Sicily', 'nope', 'Palermo'],
    ['GEODIST', 'missing', 'a', 'b'],
    ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'yards'],
    ['GEODIST', 'missing', 'a', 'b', 'yards'],
    ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'km', 'extra'],
    ['GEOPOS', 'missing', 'a', 'b'],
    ['GEOHASH', 'missing', 'a'],
    ['GEOPOS', 'Sicily'],
    ['GEOHASH', 'Sicily'],
    EDGES,
    ['ZRANGE', 'edges', '0', '-1', 'WITHSCORES'],
    ['GEOPOS', 'edges', 'east', 'west', 'north', 'south', 'corner', 'origin'],
    ['GEOHASH', 'edges', 'east', 'west', 'north', 'south', 'corner', 'origin'],
    ['GEODIST', 'edges', 'east', 'west'],
    ['GEODIST', 'edges', 'north', 'south', 'km'],
    ['GEODIST', 'edges', 'origin', 'corner', 'mi'],
    ['ZADD', 'z', '-1', 'neg', '0', 'zero', '4503599627370495.5', 'frac', '1e300', 'huge', 'inf', 'inf', '-inf', 'ninf', '9007199254740993', 'big'],
    ['GEOPOS', 'z', 'neg', 'zero', 'frac', 'huge', 'inf', 'ninf', 'big'],
    ['GEOHASH', 'z', 'neg', 'zero', 'frac', 'huge', 'inf', 'ninf', 'big'],
    ['GEODIST', 'z', 'neg', 'huge'],
    ['SET', 'str', 'x'],
    ['GEOPOS', 'str', 'a'],
    ['GEOHASH', 'str', 'a'],
    ['GEODIST', 'str', 'a', 'b'],
  ]);
  t.sequence('GEOADD options and errors', [
    ['GEOADD', 'g', '10', '20', 'a'],
    ['GEOADD', 'g', 'CH', '10', '20', 'a', '11', '21', 'b'],
    ['GEOADD', 'g', 'CH', '10.5', '20', 'a'],
    ['GEOADD', 'g', 'NX', '0', '0', 'a', '1', '1', 'c'],
    ['GEOADD', 'g', 'XX', '0', '0', 'a', '2', '2', 'd'],
    ['GEOADD', 'g', 'XX', 'CH', '3', '3', 'a', '2', '2', 'd'],
    ['GEOADD', 'g', 'NX', 'CH', '3', '3', 'a', '4', '4', 'e'],
    ['ZRANGE', 'g', '0', '-1', 'WITHSCORES'],
    ['GEOADD', 'g', 'XX', 'NX', '1', '1', 'a'],
    ['GEOADD', 'g', 'GT', '1', '1', 'a'],
    ['GEOADD', 'g', 'CH', 'CH', 'CH'],
    ['GEOADD', 'g', '1', '1', 'a', '2'],
    ['GEOADD', 'g', 'x', '1', 'a'],
    ['GEOADD', 'g', '1', 'y', 'a'],
    ['GEOADD', 'g', '200', '100', 'a'],
    ['GEOADD', 'g', '-180.0000001', '0', 'a'],
    ['GEOADD', 'g', '0', '85.0511288', 'a'],
    ['GEOADD', 'g', '0', '85.5078125', 'a'],
    ['GEOADD', 'g', '-0', '-85.5078125', 'a'],
    ['GEOADD', 'g', '1e30', '0', 'a'],
    ['GEOADD', 'g', 'inf', '0', 'a'],
    ['GEOADD', 'g', '0', '-inf', 'a'],
    ['GEOADD', 'g', 'nan', '0', 'a'],
    ['GEOADD', 'g', '0x10', '0x1p-2', 'hex'],
    ['GEOADD', 'g', ' 1', '1', 'a'],
    ['GEOADD', 'g', '1', '1', 'ok', '500', '1', 'bad'],
    ['ZSCORE', 'g', 'ok'],
    ['ZSCORE', 'g', 'hex'],
    ['LPUSH', 'l', 'x'],
    ['GEOADD', 'l', '1', '1', 'a'],
  ]);
  t.sequence('GEOSEARCH and GEORADIUS replies', [
    SICILY,
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'DESC', 'WITHCOORD', 'WITHDIST', 'WITHHASH'],
    ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '300', 'KM', 'WITHDIST'],
    ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYBOX', '200', '200', 'mi', 'WITHCOORD', 'COUNT', '2'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'COUNT', '1', 'ANY'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'COUNT', '1', 'ANY', 'ASC'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'COUNT', '1', 'DESC'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'm'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '0', 'm'],
    ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '0', 'm', 'WITHDIST'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '0', '0', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '20000', 'km', 'WITHDIST'],
    ['GEOSEARCH', 'missing', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
    ['GEOSEARCH', 'missing', 'FROMMEMBER', 'x', 'BYRADIUS', '200', 'km'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST', 'WITHCOORD', 'ASC'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '1'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'DESC', 'WITHHASH'],
    ['GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'WITHDIST', 'COUNT', '3', 'DESC'],
    ['GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '300', 'km', 'WITHDIST'],
    ['GEORADIUSBYMEMBER_RO', 'Sicily', 'Palermo', '300', 'km', 'ASC', 'WITHCOORD'],
    ['GEORADIUSBYMEMBER', 'missing', 'x', 'bad', 'unit'],
    ['GEORADIUS', 'missing', '15', '37', '200', 'km'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'withdist', 'withdist', 'asc', 'desc'],
    EDGES,
    ['GEOSEARCH', 'edges', 'FROMLONLAT', '179.9', '0', 'BYRADIUS', '100', 'km', 'WITHCOORD'],
    ['GEOSEARCH', 'edges', 'FROMLONLAT', '180', '0', 'BYRADIUS', '1', 'km', 'WITHCOORD'],
    ['GEOSEARCH', 'edges', 'FROMLONLAT', '-179.9', '0', 'BYBOX', '200', '200', 'km'],
    ['GEOSEARCH', 'edges', 'FROMLONLAT', '0', '85', 'BYRADIUS', '100', 'km', 'WITHDIST'],
    ['GEOSEARCH', 'edges', 'FROMMEMBER', 'south', 'BYRADIUS', '1000', 'km'],
    ['GEOSEARCH', 'edges', 'FROMLONLAT', '0', '0', 'BYRADIUS', '30000', 'km', 'ASC'],
  ]);
  t.sequence('search errors', [
    SICILY,
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '200', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
    ['GEOSEARCH', 'Sicily', 'BYRADIUS', '200', 'km', 'ASC'],
    ['geosearch', 'Sicily', 'BYRADIUS', '200', 'km', 'ASC'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'ASC', 'COUNT', '2'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'BYBOX', '1', '1', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '1', '1', 'km', 'BYRADIUS', '200', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'nope', 'BYRADIUS', '200', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '-1', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', 'x', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'yd'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', 'x', '1', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '1', 'y', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '-1', '1', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '95', 'BYRADIUS', '1', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'COUNT', '0'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'COUNT', 'x'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'COUNT'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ANY'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STORE', 'x'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'WHAT'],
    ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'WITHDIST'],
    ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STORE', 'x'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'x', 'WITHHASH'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'FROMMEMBER', 'Palermo'],
    ['GEORADIUS', 'Sicily', '200', '37', '200', 'km'],
    ['GEORADIUS', 'Sicily', '15', '37', '-200', 'km'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'parsec'],
    ['GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'STORE', 'x'],
    ['GEORADIUSBYMEMBER', 'Sicily', 'nope', '200', 'km'],
    ['GEORADIUSBYMEMBER_RO', 'Sicily', 'Palermo', '200', 'km', 'STOREDIST', 'x'],
    ['SET', 'str', 'x'],
    ['GEOSEARCH', 'str', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
    ['GEORADIUS', 'str', 'x', 'y', 'z', 'w'],
    ['GEOSEARCHSTORE', 'dst', 'str', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
  ]);
  t.sequence('STORE, STOREDIST and GEOSEARCHSTORE', [
    SICILY,
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'dst'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['OBJECT', 'ENCODING', 'dst'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STOREDIST', 'dst', 'COUNT', '1'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'a', 'STOREDIST', 'dst', 'DESC'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['EXISTS', 'a'],
    ['GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '300', 'mi', 'STOREDIST', 'dst'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'COUNT', '3'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'STOREDIST'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['SET', 'dst2', 'x', 'EX', '100'],
    ['GEOSEARCHSTORE', 'dst2', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
    ['TTL', 'dst2'],
    ['TYPE', 'dst2'],
    ['GEOSEARCHSTORE', 'dst2', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
    ['EXISTS', 'dst2'],
    ['GEOSEARCHSTORE', 'dst', 'missing', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
    ['EXISTS', 'dst'],
    ['GEORADIUS', 'Sicily', '0', '0', '1', 'km', 'STORE', 'nothing'],
    ['EXISTS', 'nothing'],
    ['SET', 'gone', 'x'],
    ['GEORADIUSBYMEMBER', 'missing', 'x', '1', 'km', 'STORE', 'gone'],
    ['EXISTS', 'gone'],
  ]);
  t.sequence('key specs and keys', [
    {
      cmd: ['COMMAND', 'INFO', 'GEOADD', 'GEODIST', 'GEOHASH', 'GEOPOS', 'GEORADIUS', 'GEORADIUS_RO', 'GEORADIUSBYMEMBER', 'GEORADIUSBYMEMBER_RO', 'GEOSEARCH', 'GEOSEARCHSTORE'],
      match: 'unordered',
    },
    ['COMMAND', 'GETKEYS', 'GEORADIUS', 'src', '1', '2', '3', 'km', 'STORE', 'a', 'STOREDIST', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'GEORADIUS', 'src', '1', '2', '3', 'km', 'STORE', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'GEORADIUSBYMEMBER', 'src', 'm', '3', 'km', 'STOREDIST', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'GEOSEARCHSTORE', 'dst', 'src', 'FROMMEMBER', 'm', 'BYRADIUS', '1', 'km'],
  ]);

  t.sequence('equal distances under COUNT follow Redis\'s partial quicksort', [
    ['GEOADD', 'same', ...Array.from({ length: 120 }, (_, i) => [String(10 + (i % 3) * 0.01), '45', `m${(i * 53) % 120}`]).flat()],
    ['GEOSEARCH', 'same', 'FROMLONLAT', '10.01', '45', 'BYRADIUS', '50', 'km', 'COUNT', '10', 'WITHDIST'],
    ['GEOSEARCH', 'same', 'FROMLONLAT', '10', '45', 'BYRADIUS', '50', 'km', 'COUNT', '45', 'DESC'],
    ['GEOSEARCH', 'same', 'FROMLONLAT', '10', '45', 'BYRADIUS', '50', 'km', 'COUNT', '5', 'ASC'],
    ['GEORADIUS', 'same', '10.02', '45', '50', 'km', 'COUNT', '3'],
    ['GEOSEARCH', 'same', 'FROMLONLAT', '10', '45', 'BYRADIUS', '50', 'km', 'ASC'],
    ['GEOSEARCH', 'same', 'FROMLONLAT', '10', '45', 'BYRADIUS', '50', 'km', 'COUNT', '200', 'DESC'],
  ]);

  const g = new Generator(7);
  t.sequence('random points and searches, worldwide', [
    ...randomPoints(g, 'world', 400),
    ['ZRANGE', 'world', '0', '-1', 'WITHSCORES'],
    ...Array.from({ length: 150 }, () => randomSearch(g, 'world', [0, 0], 180)),
  ]);
  t.sequence('random points and searches, dense clusters', [
    ...randomPoints(g, 'paris', 300, [2.35, 48.85], 0.5),
    ...randomPoints(g, 'south', 100, [-70, -80], 3),
    ['GEOPOS', 'paris', 'p1', 'p2', 'p3'],
    ...Array.from({ length: 80 }, () => randomSearch(g, 'paris', [2.35, 48.85], 0.6)),
    ...Array.from({ length: 40 }, () => randomSearch(g, 'south', [-70, -80], 4)),
  ]);
});

describeDifferential('geo: keyspace events', (t) => {
  t.scenario('GEOADD notifies zadd; stores notify georadiusstore / geosearchstore or del', (connect) =>
    recordKeyEvents(connect, 'KEA', '__keyevent@9__:*', (c) =>
      callEach(c, [
        SICILY,
        ['GEOADD', 'Sicily', 'NX', '13.361389', '38.115556', 'Palermo'],
        ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'a'],
        ['GEOSEARCHSTORE', 'b', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
        ['GEOSEARCHSTORE', 'b', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
        ['GEORADIUS', 'missing', '15', '37', '200', 'km', 'STORE', 'a'],
      ]),
    ),
  );
});
