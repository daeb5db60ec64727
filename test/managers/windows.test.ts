/**
 * Windows detectors. http.sys uses the RECORDED netsh outputs (test/fixtures/win32/netsh-http);
 * the service table uses the BUILT tasklist / CIM inputs (test/fixtures/win32/tasklist-svc,
 * win32-service: no recording exists); `wslrelay.exe` is documentation only.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { HolderFacts } from '../../src/managers/types.ts';
import { detectHttpSys, detectWindowsService, detectWslRelay } from '../../src/managers/windows.ts';
import { parseNetshHttpQueues } from '../../src/parsers/netsh-http.ts';
import { parseTasklistServices } from '../../src/parsers/tasklist-svc.ts';
import { parseWin32Services } from '../../src/parsers/win32-service.ts';

const fixture = (path: string) =>
  readFileSync(new URL(`../fixtures/win32/${path}`, import.meta.url), 'utf8');
const queues = (name: string) => parseNetshHttpQueues(fixture(`netsh-http/${name}`));

const system = (overrides: Partial<HolderFacts>): HolderFacts => ({
  pid: 4,
  name: 'System',
  argv: null,
  ppid: 0,
  ancestors: [],
  system: { serviceControlManager: true },
  ...overrides,
});

test('recorded Processes layout: port 443 registered by svchost hosting NcHostAgent', () => {
  const facts = system({
    port: 443,
    httpSys: queues('azure-local-sdn-nchostagent-nbsp-excerpt.txt'),
  });
  assert.deepEqual(detectHttpSys(facts), {
    kind: 'http.sys',
    name: 'NcHostAgent',
    hint: 'sc.exe stop NcHostAgent',
  });
});

test('recorded Process IDs layouts: the registering program by pid', () => {
  assert.deepEqual(
    detectHttpSys(system({ port: 8082, httpSys: queues('bookofdaniel-ssrs-requestq.txt') })),
    {
      kind: 'http.sys',
      name: 'pid 2312',
      hint: 'taskkill /PID 2312 (pid 2312 registered the URL)',
    },
  );
  const fabric = queues('service-fabric-requestq-markdown-escaped.txt');
  assert.equal(detectHttpSys(system({ port: 19080, httpSys: fabric }))?.name, 'pid 4364');
  assert.equal(detectHttpSys(system({ port: 5985, httpSys: fabric }))?.name, 'pid 944');
});

test('recorded older session view (no URLs per queue), or no netsh facts: the netsh hint', () => {
  const expected = {
    kind: 'http.sys',
    name: null,
    hint: 'netsh http show servicestate view=requestq (the process that registered a URL on port 8080), then stop that program or service',
  };
  assert.deepEqual(
    detectHttpSys(system({ port: 8080, httpSys: queues('uts-iotbay-session-view-annotated.txt') })),
    expected,
  );
  assert.deepEqual(detectHttpSys(system({ port: 8080 })), expected);
  assert.equal(
    detectHttpSys(system({ system: {} })),
    null,
    'pid 4 outside Windows is something else',
  );
  assert.equal(detectHttpSys(system({ pid: 3040 })), null);
});

test('BUILT IIS queue (named application pool) -> stop W3SVC', () => {
  const iis = [
    {
      name: 'DefaultAppPool',
      processes: [{ pid: 3248, image: null, services: [] }],
      urls: ['HTTP://*:80/'],
    },
  ];
  assert.deepEqual(detectHttpSys(system({ port: 80, httpSys: iis })), {
    kind: 'http.sys',
    name: 'DefaultAppPool',
    hint: 'sc.exe stop W3SVC (IIS serves port 80 from application pool DefaultAppPool)',
  });
});

test('BUILT service tables: one service -> sc.exe stop; several -> Stop-Service; stopped ones ignored', () => {
  const rows = parseTasklistServices(fixture('tasklist-svc/built-svc-csv-nh.txt'));
  const hosted = (pid: number) =>
    (rows.find((row) => row.pid === pid)?.services ?? []).map((name) => ({ name }));
  const facts = (pid: number, name: string) =>
    system({ pid, name, services: hosted(pid) }) satisfies HolderFacts;
  assert.deepEqual(detectWindowsService(facts(3040, 'svchost.exe')), {
    kind: 'windows-service',
    name: 'WinRM',
    hint: 'sc.exe stop WinRM',
  });
  assert.deepEqual(detectWindowsService(facts(1240, 'svchost.exe')), {
    kind: 'windows-service',
    name: 'RpcEptMapper, RpcSs',
    hint: 'Stop-Service -Name RpcEptMapper, RpcSs (PowerShell; the process hosts these services)',
  });
  assert.equal(detectWindowsService(facts(7316, 'node.exe')), null, 'N/A: no service');
  const cim = parseWin32Services(fixture('win32-service/built-ps51-array.json'));
  const w3svc = cim.filter((record) => record.name === 'W3SVC');
  assert.equal(
    detectWindowsService(system({ pid: 5000, services: w3svc })),
    null,
    'a stopped service',
  );
  assert.equal(detectWindowsService(system({ pid: 4, services: [{ name: 'X' }] })), null);
  assert.equal(
    detectWindowsService(system({ pid: 3040, services: [{ name: 'WinRM' }], system: {} })),
    null,
  );
});

test('documentation only: wslrelay.exe forwards a WSL2 port', () => {
  assert.deepEqual(detectWslRelay(system({ pid: 9060, name: 'wslrelay.exe', port: 3000 })), {
    kind: 'wsl',
    name: null,
    hint: 'stop the server on port 3000 inside WSL, or: wsl --shutdown (stops every WSL distribution)',
  });
  assert.equal(detectWslRelay(system({ pid: 9060, name: 'node.exe' })), null);
});
