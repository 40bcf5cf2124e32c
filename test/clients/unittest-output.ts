/** Reading a Python unittest run (verbosity 2), for the tests that drive Python clients. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProcessResult } from './run-process.js';

/** unittest -v lines: "test_name (module.Class) ... ok" (or FAIL, ERROR, skipped). */
function testOutcomes(stderr: string): Map<string, string> {
  const outcomes = new Map<string, string>();
  for (const m of stderr.matchAll(/^(test_\w+) \(.*?\) \.\.\. (ok|FAIL|ERROR|skipped.*)$/gm)) outcomes.set(m[1], m[2]);
  return outcomes;
}

/** The traceback unittest prints for a failed test. */
function failureDetails(stderr: string, test: string): string {
  const start = stderr.search(new RegExp(`^(?:FAIL|ERROR): ${test} `, 'm'));
  if (start < 0) return '';
  const rest = stderr.slice(start);
  const end = rest.search(/\n(?:={10,}|-{10,}\nRan )/);
  return end < 0 ? rest : rest.slice(0, end);
}

/**
 * The checks of a script's run (given once its `before` has run it): each of
 * its tests, at least fewestTests of them, passed, each as a subtest that
 * names it; and the script reported OK and exited with 0.
 */
export function itPassesEveryUnittest(run: () => ProcessResult, fewestTests: number): void {
  it('every check of the script passes', async (t) => {
    const { stderr } = run();
    const outcomes = testOutcomes(stderr);
    assert.ok(outcomes.size >= fewestTests, `expected the script's tests in its output:\n${stderr}`);
    for (const [test, outcome] of outcomes) {
      await t.test(test, () => assert.equal(outcome, 'ok', failureDetails(stderr, test)));
    }
  });

  it('exits with 0 and reports OK', () => {
    const { stderr, code } = run();
    assert.equal(stderr.trimEnd().split('\n').at(-1), 'OK', stderr.slice(-3000));
    assert.equal(code, 0);
  });
}
