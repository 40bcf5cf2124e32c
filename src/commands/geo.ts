/**
 * Geo commands (geo.c) on sorted sets whose scores are 52-bit geohashes
 * (store/geohash.ts): GEOADD (through ZADD, as Redis does), GEOPOS, GEODIST,
 * GEOHASH, GEOSEARCH, GEOSEARCHSTORE and the deprecated GEORADIUS family.
 */
import type { Client } from '../server/client.js';
import { partialSort } from '../store/partial-sort.js';
import { ZSet } from '../store/zset.js';
import { LAT_MAX, LAT_MIN, LONG_MAX, LONG_MIN, cellScores, decodeScore, distance, distanceWithin, encodeScore, searchCells, standardGeohash, type Shape } from '../store/geohash.js';
import { SYNTAX_ERROR, fail, isKeyword, parseInteger } from './args.js';
import { storeOrDelete } from './collections.js';
import { readZSet, zsetLimits } from './zsets.js';
import { parseScore } from './zset-args.js';
import { keyAt, type Command, type CommandSpec, type KeySpec, type KeySpecFlag } from './table.js';

// ---- number formats ------------------------------------------------------------

/** printf("%.<digits>f", d) as glibc prints it (digits > 0): exact, ties to even. */
function formatFixed(d: number, digits: number): string {
  if (!Number.isFinite(d)) return Number.isNaN(d) ? 'nan' : d > 0 ? 'inf' : '-inf';
  const sign = d < 0 || Object.is(d, -0) ? '-' : '';
  const magnitude = Math.abs(d);
  if (magnitude >= 1e21) return `${sign}${BigInt(magnitude)}.${'0'.repeat(digits)}`;
  // toFixed is exact too, but rounds ties (odd multiples of 2^-(digits+1)) away from zero.
  const scaled = magnitude * 2 ** (digits + 1);
  if (Number.isInteger(scaled) && scaled % 2 === 1) {
    const truncated = magnitude.toFixed(digits + 1).slice(0, -1);
    if (Number(truncated.charAt(truncated.length - 1)) % 2 === 0) return sign + truncated;
  }
  return sign + magnitude.toFixed(digits);
}

/** Redis's LD_STR_HUMAN form of a double: "%.17Lf" without trailing zeros, never "-0". */
function humanDouble(d: number): string {
  let text = formatFixed(d, 17).replace(/\.?0+$/, '');
  if (text === '-0') text = '0';
  return text;
}

/** Round to nearest, ties to even (C's rint in the default rounding mode). */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest !== 0.5) return rest < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** A distance with four decimals (Redis's addReplyDoubleDistance / fixedpoint_d2string). */
function distanceText(d: number): string {
  const scaled = roundHalfEven(d * 10000);
  const magnitude = Math.abs(scaled);
  const fraction = String(magnitude % 10000).padStart(4, '0');
  return `${scaled < 0 ? '-' : ''}${Math.floor(magnitude / 10000)}.${fraction}`;
}

function replyCoordinates(c: Client, [longitude, latitude]: [number, number]): void {
  c.reply.arrayHeader(2);
  c.reply.doubleText(humanDouble(longitude));
  c.reply.doubleText(humanDouble(latitude));
}

// ---- arguments ------------------------------------------------------------------------

/** A longitude and a latitude argument (extractLongLatOrReply). */
function parseLongLat(longArg: string, latArg: string): [number, number] {
  const longitude = parseScore(longArg);
  const latitude = parseScore(latArg);
  if (longitude < LONG_MIN || longitude > LONG_MAX || latitude < LAT_MIN || latitude > LAT_MAX) {
    fail(`ERR invalid longitude,latitude pair ${formatFixed(longitude, 6)},${formatFixed(latitude, 6)}`);
  }
  return [longitude, latitude];
}

/** Meters per unit (extractUnitOrReply). */
function parseUnit(arg: string): number {
  switch (arg.toLowerCase()) {
    case 'm':
      return 1;
    case 'km':
      return 1000;
    case 'ft':
      return 0.3048;
    case 'mi':
      return 1609.34;
  }
  fail('ERR unsupported unit provided. please use M, KM, FT, MI');
}

/** A radius and its unit: [radius, meters per unit] (extractDistanceOrReply). */
function parseRadius(argv: string[], at: number): [number, number] {
  const radius = parseScore(argv[at], 'ERR need numeric radius');
  if (radius < 0) fail('ERR radius cannot be negative');
  return [radius, parseUnit(argv[at + 1])];
}

/** A box's width, height and unit: [width, height, meters per unit] (extractBoxOrReply). */
function parseBox(argv: string[], at: number): [number, number, number] {
  const width = parseScore(argv[at], 'ERR need numeric width');
  const height = parseScore(argv[at + 1], 'ERR need numeric height');
  if (height < 0 || width < 0) fail('ERR height or width cannot be negative');
  return [width, height, parseUnit(argv[at + 2])];
}

/** The position of a member of zset, or the error Redis gives when there is none. */
function memberPosition(zset: ZSet, member: string): [number, number] {
  const score = zset.score(member);
  if (score === undefined) fail('ERR could not decode requested zset member');
  return decodeScore(score);
}

// ---- GEOADD, GEOPOS, GEODIST, GEOHASH ---------------------------------------------------

/** GEOADD key [NX|XX] [CH] longitude latitude member ...: turns the positions into scores and runs ZADD. */
function geoadd(c: Client, argv: string[]): void {
  let nx = false;
  let xx = false;
  let first = 2;
  for (; first < argv.length; first++) {
    const option = argv[first].toLowerCase();
    if (option === 'nx') nx = true;
    else if (option === 'xx') xx = true;
    else if (option !== 'ch') break;
  }
  if ((argv.length - first) % 3 !== 0 || (xx && nx)) fail(SYNTAX_ERROR);
  const zaddArgv = ['zadd', ...argv.slice(1, first)];
  for (let i = first; i < argv.length; i += 3) {
    const [longitude, latitude] = parseLongLat(argv[i], argv[i + 1]);
    zaddArgv.push(encodeScore(longitude, latitude), argv[i + 2]);
  }
  // As Redis does: the sorted-set family does the adding, its options, replies and events.
  const zadd = c.server.commands.get('zadd') as Command;
  zadd.run(c, zaddArgv);
}

function geopos(c: Client, argv: string[]): void {
  const zset = readZSet(c, argv[1]);
  c.reply.arrayHeader(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = zset?.score(argv[j]);
    if (score === undefined) c.reply.nullArray();
    else replyCoordinates(c, decodeScore(score));
  }
}

function geohash(c: Client, argv: string[]): void {
  const zset = readZSet(c, argv[1]);
  c.reply.arrayHeader(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = zset?.score(argv[j]);
    if (score === undefined) c.reply.nullBulk();
    else c.reply.bulk(standardGeohash(...decodeScore(score)));
  }
}

function geodist(c: Client, argv: string[]): void {
  if (argv.length > 5) fail(SYNTAX_ERROR);
  const metersPerUnit = argv.length === 5 ? parseUnit(argv[4]) : 1;
  const zset = readZSet(c, argv[1]);
  const first = zset?.score(argv[2]);
  const second = first === undefined ? undefined : zset?.score(argv[3]);
  if (first === undefined || second === undefined) return c.reply.nullBulk();
  const [lon1, lat1] = decodeScore(first);
  const [lon2, lat2] = decodeScore(second);
  c.reply.bulk(distanceText(distance(lon1, lat1, lon2, lat2) / metersPerUnit));
}

// ---- searches -------------------------------------------------------------------------------

/** How a search command takes its arguments (Redis's RADIUS_* / GEOSEARCH* flags). */
interface SearchForm {
  /** Where the centre comes from: GEORADIUS's coordinates, GEORADIUSBYMEMBER's member, or GEOSEARCH's FROM* options. */
  centre: 'coords' | 'member' | 'search';
  /** STORE/STOREDIST options (GEORADIUS), a destination argument (GEOSEARCHSTORE), or neither. */
  store: 'options' | 'destination' | 'none';
}

interface SearchOptions {
  withDist: boolean;
  withHash: boolean;
  withCoord: boolean;
  sort: 'none' | 'asc' | 'desc';
  count: number;
  any: boolean;
  storeKey: string | null;
  storeDist: boolean;
}

interface GeoPoint {
  member: string;
  score: number;
  longitude: number;
  latitude: number;
  distance: number;
}

/** What the search is around, filled in as the arguments are read. */
interface SearchTarget {
  centre: [number, number] | null;
  radius: [number, number] | null;
  box: [number, number, number] | null;
}

/** Reads the options after the fixed arguments, in Redis's order and with its errors (georadiusGeneric). */
function parseSearchOptions(argv: string[], at: number, form: SearchForm, zset: ZSet | undefined, target: SearchTarget): SearchOptions {
  const options: SearchOptions = { withDist: false, withHash: false, withCoord: false, sort: 'none', count: 0, any: false, storeKey: null, storeDist: false };
  if (form.store === 'destination') options.storeKey = argv[1];
  const search = form.centre === 'search';
  let fromMember = false;
  let fromLonLat = false;
  for (let i = at; i < argv.length; i++) {
    const left = argv.length - i - 1;
    const option = argv[i].toLowerCase();
    if (option === 'withdist') options.withDist = true;
    else if (option === 'withhash') options.withHash = true;
    else if (option === 'withcoord') options.withCoord = true;
    else if (option === 'any') options.any = true;
    else if (option === 'asc' || option === 'desc') options.sort = option;
    else if (option === 'count' && left >= 1) {
      const count = parseInteger(argv[++i]);
      if (count <= 0) fail('ERR COUNT must be > 0');
      options.count = count;
    } else if ((option === 'store' || option === 'storedist') && left >= 1 && form.store === 'options') {
      options.storeKey = argv[++i];
      options.storeDist = option === 'storedist';
    } else if (option === 'storedist' && form.store === 'destination') options.storeDist = true;
    else if (option === 'frommember' && left >= 1 && search && !fromLonLat) {
      // Without the source key the member cannot be looked up; the reply says so later.
      if (zset !== undefined) target.centre = memberPosition(zset, argv[i + 1]);
      fromMember = true;
      i++;
    } else if (option === 'fromlonlat' && left >= 2 && search && !fromMember) {
      target.centre = parseLongLat(argv[i + 1], argv[i + 2]);
      fromLonLat = true;
      i += 2;
    } else if (option === 'byradius' && left >= 2 && search && target.box === null) {
      target.radius = parseRadius(argv, i + 1);
      i += 2;
    } else if (option === 'bybox' && left >= 3 && search && target.radius === null) {
      target.box = parseBox(argv, i + 1);
      i += 3;
    } else fail(SYNTAX_ERROR);
  }
  if (options.storeKey !== null && (options.withDist || options.withHash || options.withCoord)) {
    fail(`ERR ${form.store === 'destination' ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  if (search && !fromMember && !fromLonLat) fail(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`);
  if (search && target.radius === null && target.box === null) fail(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`);
  if (options.any && options.count === 0) fail('ERR the ANY argument requires COUNT argument');
  return options;
}

function shapeOf(target: SearchTarget): Shape {
  const [longitude, latitude] = target.centre as [number, number];
  if (target.box !== null) {
    const [width, height, conversion] = target.box;
    return { kind: 'box', longitude, latitude, conversion, width, height };
  }
  const [radius, conversion] = target.radius as [number, number];
  return { kind: 'radius', longitude, latitude, conversion, radius };
}

/** Adds the points of zset with scores in [min, max) that lie in shape, stopping at limit points (0: no limit). */
function collectRange(zset: ZSet, min: number, max: number, shape: Shape, points: GeoPoint[], limit: number): void {
  const span = zset.scoreSpan({ min, max, minExclusive: false, maxExclusive: true });
  const visit = (member: string, score: number) => {
    if (limit > 0 && points.length >= limit) return;
    const [longitude, latitude] = decodeScore(score);
    const d = distanceWithin(shape, longitude, latitude);
    if (d !== null) points.push({ member, score, longitude, latitude, distance: d });
  };
  // With a limit (COUNT ANY), walk in slices so as to stop soon after it is reached.
  for (let rank = span.start; rank < span.end && !(limit > 0 && points.length >= limit); ) {
    const n = limit > 0 ? Math.min(span.end - rank, Math.max(16, limit - points.length)) : span.end - rank;
    zset.forEach(rank, n, false, visit);
    rank += n;
  }
}

/** The points in shape, cell by cell: the centre's cell, then its neighbours (membersOfAllNeighbors). */
function pointsInShape(zset: ZSet, shape: Shape, limit: number): GeoPoint[] {
  const points: GeoPoint[] = [];
  const cells = searchCells(shape);
  let previous = -1;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell.bits === 0 && cell.step === 0) continue;
    // Huge radii make neighbours coincide: skip a cell equal to the last one searched.
    if (previous >= 0 && cell.bits === cells[previous].bits && cell.step === cells[previous].step) continue;
    if (limit > 0 && points.length >= limit) break;
    const [min, max] = cellScores(cell);
    collectRange(zset, min, max, shape, points, limit);
    previous = i;
  }
  return points;
}

function replyPoints(c: Client, points: GeoPoint[], options: SearchOptions, conversion: number): void {
  const extras = Number(options.withDist) + Number(options.withHash) + Number(options.withCoord);
  c.reply.arrayHeader(points.length);
  for (const point of points) {
    if (extras > 0) c.reply.arrayHeader(extras + 1);
    c.reply.bulk(point.member);
    if (options.withDist) c.reply.bulk(distanceText(point.distance / conversion));
    if (options.withHash) c.reply.integer(Math.trunc(point.score));
    if (options.withCoord) replyCoordinates(c, [point.longitude, point.latitude]);
  }
}

/** The points as a sorted set scored by geohash, or by distance with STOREDIST; null when there are none. */
function pointsAsZSet(c: Client, points: GeoPoint[], options: SearchOptions, conversion: number): ZSet | null {
  if (points.length === 0) return null;
  let longest = 0;
  for (const point of points) longest = Math.max(longest, point.member.length);
  const zset = new ZSet(zsetLimits(c), points.length, longest);
  for (const point of points) zset.add(point.member, options.storeDist ? point.distance / conversion : point.score);
  return zset;
}

/** Orders points by distance: a full (stable) sort, or as Redis does when only the first count are kept. */
function sortPoints(points: GeoPoint[], descending: boolean, count: number): void {
  const compare = descending ? (a: GeoPoint, b: GeoPoint) => b.distance - a.distance : (a: GeoPoint, b: GeoPoint) => a.distance - b.distance;
  if (count > 0 && count < points.length) partialSort(points, compare, 0, count - 1);
  else points.sort(compare);
}

/** GEORADIUS, GEORADIUSBYMEMBER, their _RO forms, GEOSEARCH and GEOSEARCHSTORE (georadiusGeneric). */
function search(c: Client, argv: string[], form: SearchForm): void {
  const sourceIndex = form.store === 'destination' ? 2 : 1;
  const zset = readZSet(c, argv[sourceIndex]);
  const target: SearchTarget = { centre: null, radius: null, box: null };
  let at: number;
  if (form.centre === 'coords') {
    target.centre = parseLongLat(argv[2], argv[3]);
    target.radius = parseRadius(argv, 4);
    at = 6;
  } else if (form.centre === 'member') {
    // Without the source key, the arguments are still checked so that the reply fits the STORE option.
    if (zset !== undefined) {
      target.centre = memberPosition(zset, argv[2]);
      target.radius = parseRadius(argv, 3);
    }
    at = 5;
  } else at = sourceIndex + 1;
  const options = parseSearchOptions(argv, at, form, zset, target);
  if (zset === undefined) {
    if (options.storeKey === null) return c.reply.arrayHeader(0);
    if (c.db.delete(options.storeKey)) c.db.changed(options.storeKey, 'g', 'del');
    return c.reply.integer(0);
  }
  // COUNT asks for the nearest, unless ANY takes whichever come first.
  if (options.count > 0 && options.sort === 'none' && !options.any) options.sort = 'asc';
  const shape = shapeOf(target);
  let points = pointsInShape(zset, shape, options.any ? options.count : 0);
  if (points.length === 0 && options.storeKey === null) return c.reply.arrayHeader(0);
  if (options.sort !== 'none') sortPoints(points, options.sort === 'desc', options.count);
  if (options.count > 0 && points.length > options.count) points = points.slice(0, options.count);
  if (options.storeKey === null) replyPoints(c, points, options, shape.conversion);
  else {
    const event = form.centre === 'search' ? 'geosearchstore' : 'georadiusstore';
    storeOrDelete(c, options.storeKey, pointsAsZSet(c, points, options, shape.conversion), 'z', event);
    c.reply.integer(points.length);
  }
}

const searchCommand =
  (form: SearchForm) =>
  (c: Client, argv: string[]): void =>
    search(c, argv, form);

/** GEORADIUS's and GEORADIUSBYMEMBER's keys: the source, and the key after the last STORE or STOREDIST (georadiusGetKeys). */
function georadiusKeys(argv: string[]): number[] {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    if ((isKeyword(argv[i], 'store') || isKeyword(argv[i], 'storedist')) && i + 1 < argv.length) stored = ++i;
  }
  return stored < 0 ? [1] : [1, stored];
}

// ---- table -------------------------------------------------------------------------------------

const ONE_KEY = { first: 1, last: 1, step: 1 };
const READ: KeySpecFlag[] = ['RO', 'access'];
const STORE: KeySpecFlag[] = ['OW', 'update'];

function afterKeyword(keyword: string, startfrom: number): KeySpec {
  return { flags: STORE, begin: { keyword, startfrom }, find: { lastkey: 0, keystep: 1, limit: 0 } };
}

const SEARCH_COMPLEXITY =
  'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape';
const RADIUS_COMPLEXITY =
  'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.';
const UPPERCASE_UNITS: [string, string] = ['7.0.0', 'Added support for uppercase unit names.'];
const ANY_OPTION: [string, string] = ['6.2.0', 'Added the `ANY` option for `COUNT`.'];

function entry(spec: Omit<CommandSpec, 'group' | 'acl' | 'keys'> & { keys?: CommandSpec['keys'] }): CommandSpec {
  return { keys: ONE_KEY, ...spec, group: 'geo', acl: ['@geo'] };
}

function deprecated(replacedBy: string): Partial<CommandSpec> {
  return { docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy };
}

export const commands: CommandSpec[] = [
  entry({
    name: 'geoadd',
    arity: -5,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RW', 'update'])],
    summary: 'Add one or more geospatial items in the geospatial index represented using a sorted set',
    since: '3.2.0',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    history: [['6.2.0', 'Added the `CH`, `NX` and `XX` options.']],
    run: geoadd,
  }),
  entry({
    name: 'geodist',
    arity: -4,
    flags: ['readonly'],
    keySpecs: [keyAt(1, READ)],
    summary: 'Returns the distance between two members of a geospatial index',
    since: '3.2.0',
    complexity: 'O(log(N))',
    run: geodist,
  }),
  entry({
    name: 'geohash',
    arity: -2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, READ)],
    summary: 'Returns members of a geospatial index as standard geohash strings',
    since: '3.2.0',
    complexity: 'O(log(N)) for each member requested, where N is the number of elements in the sorted set.',
    run: geohash,
  }),
  entry({
    name: 'geopos',
    arity: -2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, READ)],
    summary: 'Returns longitude and latitude of members of a geospatial index',
    since: '3.2.0',
    complexity: 'O(N) where N is the number of members requested.',
    run: geopos,
  }),
  entry({
    name: 'georadius',
    arity: -6,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, READ), afterKeyword('STORE', 6), afterKeyword('STOREDIST', 6)],
    getKeys: georadiusKeys,
    summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point',
    since: '3.2.0',
    complexity: RADIUS_COMPLEXITY,
    history: [ANY_OPTION, UPPERCASE_UNITS],
    ...deprecated('`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument'),
    run: searchCommand({ centre: 'coords', store: 'options' }),
  }),
  entry({
    name: 'georadius_ro',
    arity: -6,
    flags: ['readonly'],
    keySpecs: [keyAt(1, READ)],
    summary: 'A read-only variant for GEORADIUS',
    since: '3.2.10',
    complexity: RADIUS_COMPLEXITY,
    history: [ANY_OPTION],
    ...deprecated('`GEOSEARCH` with the `BYRADIUS` argument'),
    run: searchCommand({ centre: 'coords', store: 'none' }),
  }),
  entry({
    name: 'georadiusbymember',
    arity: -5,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, READ), afterKeyword('STORE', 5), afterKeyword('STOREDIST', 5)],
    getKeys: georadiusKeys,
    summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member',
    since: '3.2.0',
    complexity: RADIUS_COMPLEXITY,
    history: [UPPERCASE_UNITS],
    ...deprecated('`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments'),
    run: searchCommand({ centre: 'member', store: 'options' }),
  }),
  entry({
    name: 'georadiusbymember_ro',
    arity: -5,
    flags: ['readonly'],
    keySpecs: [keyAt(1, READ)],
    summary: 'A read-only variant for GEORADIUSBYMEMBER',
    since: '3.2.10',
    complexity: RADIUS_COMPLEXITY,
    ...deprecated('`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments'),
    run: searchCommand({ centre: 'member', store: 'none' }),
  }),
  entry({
    name: 'geosearch',
    arity: -7,
    flags: ['readonly'],
    keySpecs: [keyAt(1, READ)],
    summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.',
    since: '6.2.0',
    complexity: SEARCH_COMPLEXITY,
    history: [UPPERCASE_UNITS],
    run: searchCommand({ centre: 'search', store: 'none' }),
  }),
  entry({
    name: 'geosearchstore',
    arity: -8,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 2, step: 1 },
    keySpecs: [keyAt(1, STORE), keyAt(2, READ)],
    summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.',
    since: '6.2.0',
    complexity: SEARCH_COMPLEXITY,
    history: [UPPERCASE_UNITS],
    run: searchCommand({ centre: 'search', store: 'destination' }),
  }),
];
