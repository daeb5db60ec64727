import { UnparseableOutputError } from '../errors.ts';

/**
 * One row of `tasklist /svc /FO CSV /NH`.
 *
 * @example
 * ```ts
 * const row: TasklistServiceRow = {image: 'svchost.exe', pid: 3040, services: ['WinRM']};
 * ```
 */
export interface TasklistServiceRow {
  /** Image name, e.g. `'svchost.exe'`. */
  readonly image: string;
  readonly pid: number;
  /** Services hosted by the process; `[]` for `N/A`. */
  readonly services: readonly string[];
}

/**
 * Parses `tasklist /svc /FO CSV /NH`: one quoted CSV row per process,
 * `"image","pid","Service1,Service2"`, with `"N/A"` for a process that hosts no service. A
 * header row (`/NH` forgotten, in any language) is skipped because its PID field is not a number.
 * `N/A` is printed in English on the systems we know of; another word there would come back as
 * one service name, so prefer CIM `Win32_Service` (locale-free) where it works.
 *
 * @example
 * ```ts
 * parseTasklistServices('"svchost.exe","1240","RpcEptMapper,RpcSs"\r\n"node.exe","7316","N/A"\r\n');
 * // [{image: 'svchost.exe', pid: 1240, services: ['RpcEptMapper', 'RpcSs']},
 * //  {image: 'node.exe', pid: 7316, services: []}]
 * ```
 */
export function parseTasklistServices(text: string): TasklistServiceRow[] {
  const rows: TasklistServiceRow[] = [];
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line);
    if (fields === null || fields.length < 3) {
      throw new UnparseableOutputError('tasklist', `not a CSV row of three fields: ${line}`);
    }
    const [image, pidText, services] = fields as [string, string, string];
    if (!/^\d+$/.test(pidText)) continue; // a header row
    rows.push({
      image,
      pid: Number(pidText),
      services:
        services === 'N/A'
          ? []
          : services
              .split(',')
              .map((name) => name.trim())
              .filter((name) => name !== ''),
    });
  }
  return rows;
}

/** Splits one CSV line whose fields are all double-quoted (`""` is an escaped quote). */
function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let index = 0;
  while (index < line.length) {
    if (line[index] !== '"') return null;
    let value = '';
    index++;
    while (index < line.length) {
      const char = line[index] as string;
      if (char === '"') {
        if (line[index + 1] === '"') {
          value += '"';
          index += 2;
          continue;
        }
        break;
      }
      value += char;
      index++;
    }
    if (line[index] !== '"') return null;
    fields.push(value);
    index++;
    if (index < line.length) {
      if (line[index] !== ',') return null;
      index++;
    }
  }
  return fields;
}
