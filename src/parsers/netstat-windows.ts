/**
 * Parser for Windows `netstat -ano` / `-an` / `-anob`, whatever the display language.
 *
 * Headers are localized and unstable (French has no `PID` label even with `-o`, Russian calls the
 * Proto column `Имя`, Chinese headers do not line up with the data), so they are ignored: a row is
 * a line that starts with `TCP` or `UDP`, split on whitespace. State words are localized in
 * German only; a TCP listener is, in every language, the row whose foreign address is `0.0.0.0:0`
 * or `[::]:0`. (Decoding the console's code page is src/parsers/code-pages.ts.)
 *
 * @module
 */

import type { Protocol, RowOwner, SocketRow, SocketState } from '../types.ts';
import { familyOf, normalizeAddress, splitHostPort } from './address.ts';

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
