/**
 * bench/RESULTS.md holds the report of each benchmark as a section between
 * marker comments, so that a benchmark rewriting its own report keeps the
 * others' sections.
 */
import fs from 'node:fs';

function markers(name: string): [string, string] {
  return [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
}

/** Every marked section of text, markers included, in order. */
export function markedSections(text: string): string {
  return [...text.matchAll(/<!-- ([\w-]+):start -->[\s\S]*?<!-- \1:end -->\n?/g)].map((m) => m[0]).join('');
}

/** Writes section `name` into file, replacing its previous version or appending it. */
export function writeSection(file: string, name: string, section: string): void {
  const [start, end] = markers(name);
  const block = `${start}\n${section.trimEnd()}\n${end}\n`;
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const updated = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length + 1) : `${text.trimEnd()}\n\n${block}`;
  fs.writeFileSync(file, updated);
}
