/**
 * Splits an inline command line into arguments the way Redis's sdssplitargs
 * does: blanks separate arguments, "double quotes" take \n \r \t \b \a \\ \"
 * and \xHH escapes, 'single quotes' take \'. A closing quote must be followed
 * by a blank or the end of the line. Returns null on unbalanced quotes.
 */
const HEX = /^[0-9a-fA-F]{2}$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

function isBlank(ch: string): boolean {
  return ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === '\0' || ch === '\v' || ch === '\f';
}

export function splitInlineArgs(line: string): string[] | null {
  const args: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isBlank(line[i])) i++;
    if (i >= n) return args;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      if (inDouble) {
        if (i >= n) return null;
        const ch = line[i];
        if (ch === '\\' && line[i + 1] === 'x' && HEX.test(line.slice(i + 2, i + 4))) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (ch === '\\' && i + 1 < n) {
          i++;
          current += ESCAPES[line[i]] ?? line[i];
        } else if (ch === '"') {
          if (i + 1 < n && !isBlank(line[i + 1])) return null;
          inDouble = false;
          i++;
          break;
        } else current += ch;
      } else if (inSingle) {
        if (i >= n) return null;
        const ch = line[i];
        if (ch === '\\' && line[i + 1] === "'") {
          i++;
          current += "'";
        } else if (ch === "'") {
          if (i + 1 < n && !isBlank(line[i + 1])) return null;
          inSingle = false;
          i++;
          break;
        } else current += ch;
      } else {
        // Unquoted characters up to a blank or a quote join the argument as one slice, not one by one.
        const start = i;
        while (i < n && !isBlank(line[i]) && line[i] !== '"' && line[i] !== "'") i++;
        current += line.slice(start, i);
        if (i >= n || isBlank(line[i])) break;
        if (line[i] === '"') inDouble = true;
        else inSingle = true;
      }
      i++;
    }
    args.push(current);
  }
}
