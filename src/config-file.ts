/**
 * Configuration as redis-server reads it at start: a redis.conf file (with
 * its includes) and then the command line's --name value options, turned
 * into directives that are applied to a Config in order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Config, ConfigError, quoteRepr, strerror } from './config.js';
import { GlobPattern } from './store/glob.js';
import { splitInlineArgs } from './resp/inline.js';

interface Directive {
  name: string;
  args: string[];
  /** Where it came from, for error messages. */
  origin: string;
}

/** Parses redis.conf text into directives, each knowing its line for error messages as Redis words them. */
export function parseConfigText(text: string, source = 'the configuration file'): Directive[] {
  const out: Directive[] = [];
  text.split('\n').forEach((rawLine, i) => {
    const line = rawLine.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '' || line.startsWith('#')) return;
    const origin = `Reading ${source}, at line ${i + 1}\n>>> '${line}'`;
    const parts = splitInlineArgs(line);
    if (parts === null) throw new ConfigError(`${origin}\nUnbalanced quotes in configuration line`);
    if (parts.length === 2 && parts[0].toLowerCase() === 'include') out.push(...includedDirectives(parts[1]));
    else if (parts.length > 0) out.push({ name: parts[0].toLowerCase(), args: parts.slice(1), origin });
  });
  return out;
}

/** `include <file>`: that file's directives, in place. A file name with wildcards includes every match, or none. */
function includedDirectives(file: string): Directive[] {
  let files = [file];
  if (/[*?[]/.test(path.basename(file))) {
    const dir = path.dirname(file);
    const pattern = new GlobPattern(path.basename(file));
    const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => pattern.matches(name)) : [];
    files = names.sort().map((name) => path.join(dir, name));
  }
  return files.flatMap((f) => {
    let text: string;
    try {
      text = fs.readFileSync(f, 'latin1');
    } catch (e) {
      throw new ConfigError(`Fatal error, can't open config file '${f}': ${strerror(e)}`);
    }
    return parseConfigText(text, `the configuration file '${f}'`);
  });
}

/**
 * The command line options as redis-server turns them into config text:
 * "--name" starts a line, the arguments after it are appended quoted. An
 * option may carry its value ("--port 7000" as one argument); an argument
 * starting with "--" right after a bare option name is that option's value;
 * a bare --save (last, or followed by another option) means save "".
 */
export function optionsText(args: string[]): string {
  let text = '';
  let lastHasValue = true;
  args.forEach((arg, j) => {
    if (lastHasValue && arg.startsWith('--')) {
      if (text !== '') text += '\n';
      text += `${arg.slice(2)} `;
      if ((splitInlineArgs(arg) ?? []).length !== 1) return;
      lastHasValue = false;
      const next = args[j + 1];
      if (arg.toLowerCase() === '--save' && (next === undefined || next.startsWith('--'))) {
        text += '""';
        lastHasValue = next !== undefined;
      }
    } else {
      text += `${quoteRepr(arg)} `;
      lastHasValue = true;
    }
  });
  return text;
}

/** Keyhive's own option, not a Redis directive: taken out of argv before the directives are read. */
const MEMCACHED_PORT_OPTION = '--memcached-port';

/** The command line without --memcached-port and its value, and that value (null when absent); throws ConfigError for a bad one. */
function takeMemcachedPort(argv: string[]): { rest: string[]; port: number | null } {
  const at = argv.indexOf(MEMCACHED_PORT_OPTION);
  if (at < 0) return { rest: argv, port: null };
  const value = argv[at + 1] ?? '';
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new ConfigError(`${MEMCACHED_PORT_OPTION} needs a port number (0-65535), got '${value}'`);
  return { rest: [...argv.slice(0, at), ...argv.slice(at + 2)], port };
}

/**
 * The directives of a command line: those of the config file its first
 * argument may name, then its options; and the memcached port it asks for.
 */
export function commandLineDirectives(commandLine: string[]): { directives: Directive[]; configFile: string | null; memcachedPort: number | null } {
  const { rest: argv, port: memcachedPort } = takeMemcachedPort(commandLine);
  const configFile = argv.length > 0 && !argv[0].startsWith('-') ? argv[0] : null;
  const fileText = configFile === null ? '' : fs.readFileSync(configFile, 'latin1');
  const options = optionsText(configFile === null ? argv : argv.slice(1));
  // As Redis does, the options are parsed as config lines after the file's, numbered on from them.
  return { directives: parseConfigText(options === '' ? fileText : `${fileText}\n${options}`), configFile, memcachedPort };
}

export function applyDirectives(config: Config, directives: Directive[]): void {
  for (const d of directives) {
    try {
      config.loadDirective(d.name, d.args);
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`${d.origin}\n${e.message}`);
      throw e;
    }
  }
}
