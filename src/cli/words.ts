/**
 * Sorting out the words of a command line before node:util's parseArgs sees them.
 *
 * @module
 */
import type { ParseArgsConfig } from 'node:util';
import { type CommandName, UsageError } from './usage-error.ts';

/**
 * The option table of one command, as parseArgs takes it.
 *
 * @example
 * ```ts
 * const options: Options = {grace: {type: 'string', short: 'g'}};
 * ```
 */
export type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * The words after the command, sorted out before parseArgs sees them.
 *
 * @example
 * ```ts
 * const split: SplitWords = {options: ['--grace=-5'], operands: ['-1'], command: undefined};
 * ```
 */
export interface SplitWords {
  /** Options and their values, each value joined to its option (`--grace=-5`). */
  readonly options: string[];
  /** The operands (ports), `-1` included. */
  readonly operands: string[];
  /** `run`: the command line to start (after `--`, or from the first operand on). */
  readonly command: string[] | undefined;
}

/**
 * Sorts the words after the command into options and operands, so that parseArgs sees every
 * operand after `--` and every value joined to its option: a port written `-1` is then a bad
 * port (not an unknown option `-1`), and `--grace -5` a bad duration (not "argument is
 * ambiguous") — the value of an option that takes one is the next word, whatever it looks like.
 * For `run`, `--` or the first operand starts the command to run, kept untouched.
 *
 * @example
 * ```ts
 * splitWords(['-1', '--grace', '-5'], OPTIONS.kill, 'kill');
 * // {options: ['--grace=-5'], operands: ['-1'], command: undefined}
 * splitWords(['-p', '3000', 'npm', 'run', 'dev'], OPTIONS.run, 'run');
 * // {options: ['--port=3000'], operands: [], command: ['npm', 'run', 'dev']}
 * ```
 */
export function splitWords(
  words: readonly string[],
  options: Options,
  command: CommandName,
): SplitWords {
  const run = command === 'run';
  const takesValue = (name: string | undefined) =>
    name !== undefined && options[name]?.type === 'string';
  const shortNames = new Map(
    Object.entries(options).flatMap(([name, option]) =>
      option.short ? [[option.short, name] as const] : [],
    ),
  );
  const split: SplitWords = { options: [], operands: [], command: undefined };
  for (let index = 0; index < words.length; index++) {
    const word = words[index] as string;
    const next = words[index + 1];
    if (word === '--') {
      if (run) return { ...split, command: words.slice(index + 1) };
      split.operands.push(...words.slice(index + 1));
      break;
    }
    const long = word.startsWith('--') ? word.slice(2) : undefined;
    const short = /^-[^-0-9]$/.test(word) ? shortNames.get(word.charAt(1)) : undefined;
    if (long !== undefined || (word.startsWith('-') && word.length > 1 && !/^-[0-9]/.test(word))) {
      const name = long ?? short;
      if (!word.includes('=') && (long !== undefined || short !== undefined) && takesValue(name)) {
        if (next === undefined) {
          throw new UsageError(`option '--${name} <value>' argument missing`, command);
        }
        split.options.push(`--${name}=${next}`);
        index++;
        continue;
      }
      split.options.push(word);
      continue;
    }
    if (run) return { ...split, command: words.slice(index) };
    split.operands.push(word);
  }
  return split;
}

/**
 * Whether the command line asks for JSON output (`--json` among the options of a command that
 * has it), decided without parsing it — so that a usage error can answer in JSON too. Words
 * after `--`, and the command line that `run` starts, do not count.
 *
 * @example
 * ```ts
 * wantsJson(['free', '0', '--json']); // true
 * wantsJson(['run', '-p', '3000', '--', 'tool', '--json']); // false
 * ```
 */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const words = end < 0 ? argv : argv.slice(0, end);
  const command = words.find((word) => !word.startsWith('-'));
  return command !== 'run' && words.includes('--json');
}
