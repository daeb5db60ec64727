/**
 * Pure parsers for `tasklist /FO CSV /NH` (Windows) and the CSV lines it prints.
 *
 * @module
 */
import type { ProcessInfo } from './process-info.ts';

/**
 * Splits one CSV line into fields: fields may be quoted, `""` inside quotes is a quote, commas
 * inside quotes belong to the field.
 *
 * @example
 * ```ts
 * splitCsvLine('"a ""b""","1,5",c'); // ['a "b"', '1,5', 'c']
 * ```
 */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}

/**
 * Parses `tasklist /FO CSV /NH` output (`"Image Name","PID","Session Name","Session#","Mem Usage"`,
 * no header): the image name and the pid. Lines that are not such a row (the localized
 * `INFO: No tasks ...`) are skipped.
 *
 * @example
 * ```ts
 * parseTasklistCsv('"node.exe","7316","Console","1","45,120 K"\r\n');
 * // [{pid: 7316, name: 'node.exe', commandLine: null, argv: null, uid: null, user: null,
 * //   ppid: null, startTime: null}]
 * ```
 */
export function parseTasklistCsv(text: string): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('"')) continue;
    const [name, pidText] = splitCsvLine(line);
    if (name === undefined || pidText === undefined || !/^[0-9]+$/.test(pidText)) continue;
    processes.push({
      pid: Number(pidText),
      name: name === '' ? null : name,
      commandLine: null,
      argv: null,
      uid: null,
      user: null,
      ppid: null,
      startTime: null,
    });
  }
  return processes;
}
