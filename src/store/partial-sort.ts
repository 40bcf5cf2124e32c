/**
 * The partial quicksort Redis uses when only a slice of a sorted result is
 * wanted (pqsort.c: Bentley & McIlroy's "Engineering a Sort Function",
 * recursing only into the parts that overlap the slice), for SORT ... BY ...
 * LIMIT and GEOSEARCH/GEORADIUS ... COUNT. It is not stable: items that
 * compare equal come out in the order this exact sequence of comparisons and
 * swaps leaves them, so following it step by step is what makes ties come
 * out as Redis returns them. Full sorts are stable merge sorts in Redis
 * (glibc's qsort), which Array.prototype.sort matches.
 */

type Compare<T> = (a: T, b: T) => number;

function swap<T>(items: T[], i: number, j: number): void {
  const t = items[i];
  items[i] = items[j];
  items[j] = t;
}

/** Swaps the n items from i with the n items from j, pairwise in order. */
function swapRuns<T>(items: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(items, i + k, j + k);
}

/** The index of the median of three. */
function median<T>(items: T[], a: number, b: number, c: number, compare: Compare<T>): number {
  if (compare(items[a], items[b]) < 0) return compare(items[b], items[c]) < 0 ? b : compare(items[a], items[c]) < 0 ? c : a;
  return compare(items[b], items[c]) > 0 ? b : compare(items[a], items[c]) < 0 ? a : c;
}

/** Whether the items first..last hold any of the wanted positions lo..hi. */
function overlaps(first: number, last: number, lo: number, hi: number): boolean {
  return !((lo < first && hi < first) || (lo > last && hi > last));
}

/** Orders items so that positions lo..hi hold what a full sort would put there. */
export function partialSort<T>(items: T[], compare: Compare<T>, lo: number, hi: number): void {
  sortRun(items, 0, items.length, compare, lo, hi);
}

/** Sorts the n items from a (as far as lo..hi need it). */
function sortRun<T>(items: T[], a: number, n: number, compare: Compare<T>, lo: number, hi: number): void {
  for (;;) {
    if (n < 7) {
      for (let m = a + 1; m < a + n; m++) for (let l = m; l > a && compare(items[l - 1], items[l]) > 0; l--) swap(items, l, l - 1);
      return;
    }
    let pivot = a + Math.floor(n / 2);
    if (n > 7) {
      let first = a;
      let last = a + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        first = median(items, first, first + d, first + 2 * d, compare);
        pivot = median(items, pivot - d, pivot, pivot + d, compare);
        last = median(items, last - 2 * d, last - d, last, compare);
      }
      pivot = median(items, first, pivot, last, compare);
    }
    swap(items, a, pivot);
    // Split into [= pivot | < pivot | unsorted | > pivot | = pivot].
    let lessStart = a + 1;
    let left = lessStart;
    let right = a + n - 1;
    let greaterEnd = right;
    for (;;) {
      let c: number;
      while (left <= right && (c = compare(items[left], items[a])) <= 0) {
        if (c === 0) swap(items, lessStart++, left);
        left++;
      }
      while (left <= right && (c = compare(items[right], items[a])) >= 0) {
        if (c === 0) swap(items, right, greaterEnd--);
        right--;
      }
      if (left > right) break;
      swap(items, left++, right--);
    }
    // Move the runs equal to the pivot to the middle.
    const end = a + n;
    let r = Math.min(lessStart - a, left - lessStart);
    swapRuns(items, a, left - r, r);
    r = Math.min(greaterEnd - right, end - greaterEnd - 1);
    swapRuns(items, left, end - r, r);
    if ((r = left - lessStart) > 1 && overlaps(a, a + r - 1, lo, hi)) sortRun(items, a, r, compare, lo, hi);
    if ((r = greaterEnd - right) <= 1) return;
    a = end - r;
    n = r;
    if (!overlaps(a, a + n - 1, lo, hi)) return;
  }
}
