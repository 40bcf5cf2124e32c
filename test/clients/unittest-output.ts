/** Reading a Python unittest run (verbosity 2) from its error output, for the tests that drive Python clients. */

/** unittest -v lines: "test_name (module.Class) ... ok" (or FAIL, ERROR, skipped). */
export function testOutcomes(stderr: string): Map<string, string> {
  const outcomes = new Map<string, string>();
  for (const m of stderr.matchAll(/^(test_\w+) \(.*?\) \.\.\. (ok|FAIL|ERROR|skipped.*)$/gm)) outcomes.set(m[1], m[2]);
  return outcomes;
}

/** The traceback unittest prints for a failed test. */
export function failureDetails(stderr: string, test: string): string {
  const start = stderr.search(new RegExp(`^(?:FAIL|ERROR): ${test} `, 'm'));
  if (start < 0) return '';
  const rest = stderr.slice(start);
  const end = rest.search(/\n(?:={10,}|-{10,}\nRan )/);
  return end < 0 ? rest : rest.slice(0, end);
}
