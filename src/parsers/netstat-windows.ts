/**
 * Parser for Windows `netstat -ano` / `-an` / `-anob`, whatever the display language, and the
 * decoding of console output written in an OEM code page.
 *
 * Headers are localized and unstable (French has no `PID` label even with `-o`, Russian calls the
 * Proto column `Имя`, Chinese headers do not line up with the data), so they are ignored: a row is
 * a line that starts with `TCP` or `UDP`, split on whitespace. State words are localized in
 * German only; a TCP listener is, in every language, the row whose foreign address is `0.0.0.0:0`
 * or `[::]:0`.
 *
 * @module
 */
import { familyOf, normalizeAddress, splitHostPort } from '../address.ts';
import type { Protocol, RowOwner, SocketRow, SocketState } from '../types.ts';

const ROW = /^\s*(TCP|UDP)\s/;
const DIGITS = /^[0-9]+$/;

/**
 * State words → our vocabulary: English (also kept by French, Russian and Chinese Windows) and the
 * German words seen in captures (`FIN_WARTEN_1` by analogy with the recorded `FIN_WARTEN_2`). Any
 * other word is `UNKNOWN` (a listener is still recognised by its foreign address).
 */
const STATES: Readonly<Record<string, SocketState>> = {
  LISTENING: 'LISTEN',
  LISTEN: 'LISTEN',
  ESTABLISHED: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  SYN_RECEIVED: 'SYN_RECV',
  SYN_RCVD: 'SYN_RECV',
  FIN_WAIT_1: 'FIN_WAIT1',
  FIN_WAIT_2: 'FIN_WAIT2',
  CLOSE_WAIT: 'CLOSE_WAIT',
  CLOSING: 'CLOSING',
  LAST_ACK: 'LAST_ACK',
  TIME_WAIT: 'TIME_WAIT',
  CLOSED: 'CLOSE',
  DELETE_TCB: 'CLOSE',
  BOUND: 'BOUND',
  ABHÖREN: 'LISTEN',
  HERGESTELLT: 'ESTABLISHED',
  WARTEND: 'TIME_WAIT',
  SCHLIESSEN_WARTEN: 'CLOSE_WAIT',
  FIN_WARTEN_1: 'FIN_WAIT1',
  FIN_WARTEN_2: 'FIN_WAIT2',
};

/** The foreign address Windows prints for a listening socket. */
const LISTENER_REMOTES = new Set(['0.0.0.0:0', '[::]:0']);

/** PID 4 is the kernel ("System": http.sys on 80/443, SMB on 445 and 139). */
const SYSTEM_PID = 4;

/**
 * Parses Windows `netstat -ano` (also `-an`, `-anob`, any display language) into socket rows.
 *
 * - Rows are lines matching `^\s*(TCP|UDP)\s`; titles, headers and the `-b` continuation lines
 *   (` [svchost.exe]`, `  RpcSs`, ` Can not obtain ownership information`) are skipped. CRLF or LF.
 * - TCP rows: `proto local foreign state [pid]`; UDP rows: `proto local *:* [pid]` (no state):
 *   `BOUND`, remote `null`.
 * - Known English and German state words are mapped (`LISTENING`/`ABHÖREN` → `LISTEN`, ...) and
 *   the printed word kept in `rawState`; an unknown word is `UNKNOWN`, except that a TCP row whose
 *   foreign address is `0.0.0.0:0` / `[::]:0` is a listener (`LISTEN`) whatever its word says.
 * - A listener's foreign `0.0.0.0:0` is "none": `remoteAddress`/`remotePort` are `null`.
 * - Addresses lose their brackets; zone ids stay (`fe80::1%11`). IPv6 is recognised from the
 *   address. A local port that is not a number (output without `-n`) drops the row.
 * - PID 0 (TIME_WAIT, closed sockets) and a missing PID column (`-an`) give `owners: []`; PID 4
 *   gives `{pid: 4, name: 'System'}`.
 *
 * @example
 * ```ts
 * parseNetstatWindows('  TCP    0.0.0.0:443    0.0.0.0:0    LISTENING    9396\r\n');
 * // [{protocol: 'tcp', family: 'IPv4', localAddress: '0.0.0.0', localPort: 443,
 * //   remoteAddress: null, remotePort: null, state: 'LISTEN', rawState: 'LISTENING',
 * //   owners: [{pid: 9396}]}]
 * ```
 */
export function parseNetstatWindows(text: string): SocketRow[] {
  const rows: SocketRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!ROW.test(line)) continue;
    const row = parseRow(line.trim().split(/\s+/));
    if (row) rows.push(row);
  }
  return rows;
}

function parseRow(fields: readonly string[]): SocketRow | undefined {
  const protocol: Protocol = fields[0] === 'TCP' ? 'tcp' : 'udp';
  const localText = fields[1];
  const remoteText = fields[2];
  if (localText === undefined || remoteText === undefined) return undefined;
  const local = splitHostPort(localText);
  if (!local || local.port === null) return undefined;
  const family = familyOf(local.address, 'IPv4');

  let pidText: string | undefined;
  let stateWord: string | undefined;
  if (protocol === 'tcp') {
    if (fields.length < 4) return undefined;
    const last = fields[fields.length - 1] as string;
    if (fields.length >= 5 && DIGITS.test(last)) {
      pidText = last;
      stateWord = fields.slice(3, -1).join(' ');
    } else {
      stateWord = fields.slice(3).join(' ');
    }
  } else {
    pidText = fields[3];
    if (pidText !== undefined && !DIGITS.test(pidText)) return undefined;
  }

  const isListener = protocol === 'tcp' && LISTENER_REMOTES.has(remoteText);
  const remote = splitHostPort(remoteText);
  const connected = !isListener && remote !== undefined && remote.port !== null;

  let state: SocketState;
  let rawState: string | undefined;
  if (stateWord === undefined) {
    state = 'BOUND';
  } else {
    const known = STATES[stateWord.toUpperCase()];
    state = known ?? (isListener ? 'LISTEN' : 'UNKNOWN');
    if (state !== stateWord) rawState = stateWord;
  }

  return {
    protocol,
    family,
    localAddress: normalizeAddress(local.address, family),
    localPort: local.port,
    remoteAddress: connected ? normalizeAddress(remote.address, family) : null,
    remotePort: connected ? remote.port : null,
    state,
    ...(rawState === undefined ? {} : { rawState }),
    owners: ownersOf(pidText),
  };
}

function ownersOf(pidText: string | undefined): RowOwner[] {
  if (pidText === undefined) return [];
  const pid = Number(pidText);
  if (pid === 0) return [];
  if (pid === SYSTEM_PID) return [{ pid, name: 'System' }];
  return [{ pid }];
}

/** The upper half (0x80–0xFF) of the single-byte DOS code pages; the lower half is ASCII. */
const HIGH_HALVES: Readonly<Record<number, string>> = {
  437: 'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0',
  850: 'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0',
  866: 'АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмноп░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀рстуфхцчшщъыьэюяЁёЄєЇїЎў°∙·√№¤■\u00a0',
};

/** Multi-byte and Windows code pages decoded with the WHATWG `TextDecoder` (full ICU). */
const DECODER_LABELS: Readonly<Record<number, string>> = {
  65001: 'utf-8',
  936: 'gbk',
  54936: 'gb18030',
  932: 'shift_jis',
  949: 'euc-kr',
  950: 'big5',
  874: 'windows-874',
  1250: 'windows-1250',
  1251: 'windows-1251',
  1252: 'windows-1252',
  1253: 'windows-1253',
  1254: 'windows-1254',
  1255: 'windows-1255',
  1256: 'windows-1256',
  1257: 'windows-1257',
  1258: 'windows-1258',
};

/**
 * Decodes bytes a Windows console program (netstat, tasklist) wrote in code page `codePage`.
 * 437, 850 and 866 (the OEM code pages of US, Western European and Russian Windows) use built-in
 * tables; 65001 (UTF-8), 936 (GBK), 932, 949, 950 and the 125x pages use `TextDecoder`; an
 * unknown code page, or a Node built without full ICU, falls back to Latin-1, which keeps every
 * ASCII character (protocols, addresses, numbers) intact.
 *
 * @example
 * ```ts
 * decodeWindowsConsole(Buffer.from([0x41, 0x42, 0x48, 0x99, 0x52, 0x45, 0x4e]), 850); // 'ABHÖREN'
 * ```
 */
export function decodeWindowsConsole(bytes: Uint8Array, codePage: number): string {
  const table = HIGH_HALVES[codePage];
  if (table !== undefined) {
    let text = '';
    for (const byte of bytes)
      text += byte < 0x80 ? String.fromCharCode(byte) : table.charAt(byte - 0x80);
    return text;
  }
  const label = DECODER_LABELS[codePage];
  if (label !== undefined) {
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // Node without full ICU knows only utf-8, utf-16le and latin1.
    }
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * Decodes console output: as UTF-8 when the bytes are valid UTF-8 (plain ASCII, or a console set
 * to code page 65001), otherwise in `codePage` with {@link decodeWindowsConsole}.
 *
 * @example
 * ```ts
 * decodeConsoleOutput(Buffer.from('TCP 0.0.0.0:80'), 850); // 'TCP 0.0.0.0:80'
 * ```
 */
export function decodeConsoleOutput(bytes: Uint8Array, codePage: number): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeWindowsConsole(bytes, codePage);
  }
}

/** Languages whose Windows OEM code page is not 850. */
const OEM_BY_LANGUAGE: Readonly<Record<string, number>> = {
  en: 437,
  ru: 866,
  uk: 866,
  be: 866,
  bg: 866,
  kk: 866,
  ky: 866,
  tt: 866,
  mn: 866,
  sr: 855,
  mk: 866,
  pl: 852,
  cs: 852,
  sk: 852,
  hu: 852,
  hr: 852,
  sl: 852,
  ro: 852,
  bs: 852,
  sq: 852,
  tr: 857,
  az: 857,
  el: 737,
  he: 862,
  ar: 720,
  fa: 720,
  lt: 775,
  lv: 775,
  et: 775,
  ja: 932,
  ko: 949,
  th: 874,
  vi: 1258,
};

/**
 * The OEM code page Windows uses for a display locale (BCP 47, e.g. `Intl`'s resolved locale):
 * 437 for English, 850 for most Western European languages, 866 for Cyrillic, 936 for simplified
 * and 950 for traditional Chinese, 932 Japanese, 949 Korean, ... Default 850.
 *
 * @example
 * ```ts
 * oemCodePageForLocale('de-DE'); // 850
 * oemCodePageForLocale('zh-CN'); // 936
 * ```
 */
export function oemCodePageForLocale(locale: string): number {
  const [language = '', ...rest] = locale.toLowerCase().split(/[-_]/);
  if (language === 'zh') {
    const traditional = rest.some(
      (part) => part === 'tw' || part === 'hk' || part === 'mo' || part === 'hant',
    );
    return traditional ? 950 : 936;
  }
  if (language === 'sr' && rest.includes('latn')) return 852;
  return OEM_BY_LANGUAGE[language] ?? 850;
}
