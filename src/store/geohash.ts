/**
 * Geohash math as Redis does it (geohash.c, geohash_helper.c), so that
 * sorted-set scores, decoded positions, distances and search areas come out
 * bit for bit the same. A position is a 52-bit integer interleaving 26 bits
 * of latitude (even bits) with 26 bits of longitude (odd bits), over the
 * Web Mercator latitude range ±85.05112878.
 *
 * Hash values fit a double: at most 2*26 bits, one more at the range's upper
 * edges, which C computes in uint64 and rounds when it becomes a score. Bit
 * operations on them go through 32-bit halves.
 */

const STEP_MAX = 26;
export const LAT_MIN = -85.05112878;
export const LAT_MAX = 85.05112878;
export const LONG_MIN = -180;
export const LONG_MAX = 180;

/** Redis's EARTH_RADIUS_IN_METERS (quadratic mean radius of WGS-84). */
const EARTH_RADIUS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const DEG_TO_RAD = Math.PI / 180.0;

const TWO_32 = 2 ** 32;

interface Range {
  min: number;
  max: number;
}

/** A geohash: step bits of each coordinate (bits holds 2 * step of them). */
export interface GeoHash {
  bits: number;
  step: number;
}

interface Area {
  hash: GeoHash;
  longitude: Range;
  latitude: Range;
}

const WGS84_LONG: Range = { min: LONG_MIN, max: LONG_MAX };
const WGS84_LAT: Range = { min: LAT_MIN, max: LAT_MAX };
/** The standard geohash ranges, for GEOHASH's strings. */
const STANDARD_LONG: Range = { min: -180, max: 180 };
const STANDARD_LAT: Range = { min: -90, max: 90 };

// ---- interleaving ---------------------------------------------------------------

/** The 16 low bits of v spread to the even bits of a 32-bit word. */
function spread16(v: number): number {
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  return (v | (v << 1)) & 0x55555555;
}

/** The even bits of a 32-bit word packed into 16 bits. */
function squash16(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  return (v | (v >>> 8)) & 0x0000ffff;
}

/** The even bits of a 64-bit value given as halves, packed into an unsigned 32-bit number (deinterleave64). */
function evenHalf(hi: number, lo: number): number {
  return (squash16(lo) | (squash16(hi) << 16)) >>> 0;
}

/** High and low 32-bit halves of an interleaving, exact before any rounding to a double. */
let interleavedHi = 0;
let interleavedLo = 0;

/** interleave64: x in the even bits, y in the odd bits (x and y below 2^32), into interleavedHi/Lo. */
function interleave(x: number, y: number): void {
  interleavedLo = (spread16(x & 0xffff) | (spread16(y & 0xffff) << 1)) >>> 0;
  interleavedHi = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0;
}

function fromHalves(hi: number, lo: number): number {
  return hi * TWO_32 + lo;
}

/** Encodes a position at step bits per coordinate (geohashEncode); null outside the ranges. */
export function encode(longitude: number, latitude: number, step: number, longRange = WGS84_LONG, latRange = WGS84_LAT): GeoHash | null {
  if (longitude > LONG_MAX || longitude < LONG_MIN || latitude > LAT_MAX || latitude < LAT_MIN) return null;
  if (latitude < latRange.min || latitude > latRange.max || longitude < longRange.min || longitude > longRange.max) return null;
  const latOffset = ((latitude - latRange.min) / (latRange.max - latRange.min)) * 2 ** step;
  const longOffset = ((longitude - longRange.min) / (longRange.max - longRange.min)) * 2 ** step;
  interleave(Math.trunc(latOffset), Math.trunc(longOffset));
  return { bits: fromHalves(interleavedHi, interleavedLo), step };
}

/**
 * The sorted-set score of a position as Redis stores it: the 52-bit hash,
 * in decimal (exact even where C's uint64 exceeds 2^53) for ZADD to parse.
 */
export function encodeScore(longitude: number, latitude: number): string {
  encode(longitude, latitude, STEP_MAX);
  const exact = fromHalves(interleavedHi, interleavedLo);
  return Number.isSafeInteger(exact) ? String(exact) : ((BigInt(interleavedHi) << 32n) | BigInt(interleavedLo)).toString();
}

/** The cell of a hash (geohashDecode). */
function decodeArea(hash: GeoHash, longRange = WGS84_LONG, latRange = WGS84_LAT): Area {
  const hi = Math.floor(hash.bits / TWO_32);
  const lo = hash.bits >>> 0;
  return areaOf(hash, evenHalf(hi, lo), evenHalf(hi >>> 1, lo >>> 1), longRange, latRange);
}

function areaOf(hash: GeoHash, latCell: number, longCell: number, longRange: Range, latRange: Range): Area {
  const cells = 2 ** hash.step;
  return {
    hash,
    latitude: { min: cellStart(latCell, cells, latRange), max: cellEnd(latCell, cells, latRange) },
    longitude: { min: cellStart(longCell, cells, longRange), max: cellEnd(longCell, cells, longRange) },
  };
}

/** Where cell number `cell` of `cells` along range begins. */
function cellStart(cell: number, cells: number, range: Range): number {
  return range.min + (cell / cells) * (range.max - range.min);
}

/** Where it ends: C adds 1 to the cell number in uint32. */
function cellEnd(cell: number, cells: number, range: Range): number {
  return cellStart((cell + 1) >>> 0, cells, range);
}

/** The middle of a cell of the finest step, clamped to [low, high]: one coordinate of decodeGeohash's centre. */
function cellMiddle(cell: number, range: Range, low: number, high: number): number {
  const cells = 2 ** STEP_MAX;
  const middle = (cellStart(cell, cells, range) + cellEnd(cell, cells, range)) / 2;
  return Math.min(high, Math.max(low, middle));
}

/** The 64-bit halves of the score scoreHalves read last; module state rather than a pair per call (GEOSEARCH decodes every point it scans). */
let scoreHi = 0;
let scoreLo = 0;

/**
 * The 64-bit halves C gets converting a score to uint64_t on x86-64, into
 * scoreHi and scoreLo: exact for hashes; truncated, wrapped or saturated as
 * cvttsd2si does for scores no GEOADD would store.
 */
function scoreHalves(score: number): void {
  if (score >= 0 && score < 2 ** 53) {
    const n = Math.trunc(score);
    scoreHi = Math.floor(n / TWO_32);
    scoreLo = n >>> 0;
    return;
  }
  let n: bigint;
  if (!(score < 2 ** 63)) n = score >= 2 ** 63 && score < 2 ** 64 ? BigInt(score) : 0n;
  else n = score > -(2 ** 63) ? BigInt.asUintN(64, BigInt(Math.trunc(score))) : 1n << 63n;
  scoreHi = Number(n >> 32n);
  scoreLo = Number(n & 0xffffffffn);
}

/** The position a sorted-set score stands for: [longitude, latitude] (decodeGeohash). */
export function decodeScore(score: number): [number, number] {
  scoreHalves(score);
  const latCell = evenHalf(scoreHi, scoreLo);
  const longCell = evenHalf(scoreHi >>> 1, scoreLo >>> 1);
  return [cellMiddle(longCell, WGS84_LONG, LONG_MIN, LONG_MAX), cellMiddle(latCell, WGS84_LAT, LAT_MIN, LAT_MAX)];
}

const GEOHASH_ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11-character standard geohash of a position (the last character is always '0'). */
export function standardGeohash(longitude: number, latitude: number): string {
  encode(longitude, latitude, STEP_MAX, STANDARD_LONG, STANDARD_LAT);
  let out = '';
  for (let i = 0; i < 10; i++) {
    const shift = 52 - (i + 1) * 5;
    // Five bits from shift up; they may straddle the two halves.
    const chunk = shift >= 32 ? interleavedHi >>> (shift - 32) : (interleavedLo >>> shift) | (interleavedHi << (32 - shift));
    out += GEOHASH_ALPHABET[chunk & 0x1f];
  }
  return out + '0';
}

// ---- distances ------------------------------------------------------------------------

/** Distance along a meridian (geohashGetLatDistance). */
function latitudeDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS * Math.abs(lat2 * DEG_TO_RAD - lat1 * DEG_TO_RAD);
}

/** Haversine great-circle distance in meters (geohashGetDistance). */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const v = Math.sin((lon2 * DEG_TO_RAD - lon1 * DEG_TO_RAD) / 2);
  if (v === 0) return latitudeDistance(lat1, lat2);
  const lat1r = lat1 * DEG_TO_RAD;
  const lat2r = lat2 * DEG_TO_RAD;
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS * Math.asin(Math.sqrt(a));
}

// ---- search shapes and areas ----------------------------------------------------------

/** A search area: a circle of radius, or a width x height box, around a centre (units converted by conversion). */
export type Shape =
  | { kind: 'radius'; longitude: number; latitude: number; conversion: number; radius: number }
  | { kind: 'box'; longitude: number; latitude: number; conversion: number; width: number; height: number };

/** The distance from the shape's centre when the point lies inside it, else null (geoWithinShape). */
export function distanceWithin(shape: Shape, longitude: number, latitude: number): number | null {
  if (shape.kind === 'radius') {
    const d = distance(shape.longitude, shape.latitude, longitude, latitude);
    return d > shape.radius * shape.conversion ? null : d;
  }
  // Latitude distance is cheaper: check it first.
  if (latitudeDistance(latitude, shape.latitude) > (shape.height * shape.conversion) / 2) return null;
  if (distance(longitude, latitude, shape.longitude, latitude) > (shape.width * shape.conversion) / 2) return null;
  return distance(shape.longitude, shape.latitude, longitude, latitude);
}

/** [min longitude, min latitude, max longitude, max latitude] around the shape (geohashBoundingBox). */
function boundingBox(shape: Shape): [number, number, number, number] {
  const { longitude, latitude, conversion } = shape;
  const height = conversion * (shape.kind === 'radius' ? shape.radius : shape.height / 2);
  const width = conversion * (shape.kind === 'radius' ? shape.radius : shape.width / 2);
  const latDelta = height / EARTH_RADIUS / DEG_TO_RAD;
  const longDeltaTop = width / EARTH_RADIUS / Math.cos((latitude + latDelta) * DEG_TO_RAD) / DEG_TO_RAD;
  const longDeltaBottom = width / EARTH_RADIUS / Math.cos((latitude - latDelta) * DEG_TO_RAD) / DEG_TO_RAD;
  // The box is widest at the edge nearer the equator.
  const longDelta = latitude < 0 ? longDeltaBottom : longDeltaTop;
  return [longitude - longDelta, latitude - latDelta, longitude + longDelta, latitude + latDelta];
}

/** The step whose cells are about as large as the search radius (geohashEstimateStepsByRadius). */
function stepForRadius(meters: number, latitude: number): number {
  if (meters === 0) return 26;
  let step = 1;
  while (meters < MERCATOR_MAX) {
    meters *= 2;
    step++;
  }
  step -= 2;
  // Cells narrow towards the poles.
  if (latitude > 66 || latitude < -66) {
    step--;
    if (latitude > 80 || latitude < -80) step--;
  }
  return Math.min(26, Math.max(1, step));
}

/**
 * The neighbouring cell d (-1 or 1) cells away along longitude (the odd
 * bits) or latitude (the even bits), wrapping around: what Redis's
 * geohash_move_x and geohash_move_y compute with a carry through the
 * interleaved bits, done here on the coordinate itself.
 */
function move(hash: GeoHash, d: number, longitude: boolean): GeoHash {
  if (d === 0) return hash;
  const hi = Math.floor(hash.bits / TWO_32);
  const lo = hash.bits >>> 0;
  const cells = 2 ** hash.step;
  let latCell = evenHalf(hi, lo);
  let longCell = evenHalf(hi >>> 1, lo >>> 1);
  if (longitude) longCell = (longCell + d + cells) % cells;
  else latCell = (latCell + d + cells) % cells;
  interleave(latCell, longCell);
  return { bits: fromHalves(interleavedHi, interleavedLo), step: hash.step };
}

const NO_CELL: GeoHash = { bits: 0, step: 0 };

/** The nine cells to scan for a search: the centre's, then north, south, east, west, NE, NW, SE, SW (NO_CELL when useless). */
export function searchCells(shape: Shape): GeoHash[] {
  const [minLong, minLat, maxLong, maxLat] = boundingBox(shape);
  const meters =
    (shape.kind === 'radius' ? shape.radius : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))) * shape.conversion;
  let step = stepForRadius(meters, shape.latitude);
  let cells = cellsAround(shape, step);
  // Near a cell's edge the estimated step may leave part of the area outside the neighbours: use larger cells.
  const [north, south, east, west] = cells.slice(1, 5).map((cell) => decodeArea(cell));
  if (step > 1 && (north.latitude.max < maxLat || south.latitude.min > minLat || east.longitude.max < maxLong || west.longitude.min > minLong)) {
    step--;
    cells = cellsAround(shape, step);
  }
  if (step >= 2) {
    const area = decodeArea(cells[0]);
    const drop = (indexes: number[]) => indexes.forEach((i) => (cells[i] = NO_CELL));
    if (area.latitude.min < minLat) drop([2, 8, 7]);
    if (area.latitude.max > maxLat) drop([1, 5, 6]);
    if (area.longitude.min < minLong) drop([4, 8, 6]);
    if (area.longitude.max > maxLong) drop([3, 7, 5]);
  }
  return cells;
}

function cellsAround(shape: Shape, step: number): GeoHash[] {
  const hash = encode(shape.longitude, shape.latitude, step) ?? NO_CELL;
  const east = move(hash, 1, true);
  const west = move(hash, -1, true);
  return [
    hash,
    move(hash, 1, false),
    move(hash, -1, false),
    east,
    west,
    move(east, 1, false),
    move(west, 1, false),
    move(east, -1, false),
    move(west, -1, false),
  ];
}

/** The scores of a cell's points: min inclusive, max exclusive (scoresOfGeoHashBox). */
export function cellScores(hash: GeoHash): [number, number] {
  const scale = 2 ** (52 - hash.step * 2);
  return [hash.bits * scale, (hash.bits + 1) * scale];
}
