/**
 * http.sys request queues from `netsh http show servicestate`, on four RECORDED outputs copied
 * byte for byte from public repositories (test/fixtures/win32/netsh-http/SOURCES.md): two
 * `view=requestq` outputs in the older `Process IDs:` layout (one escaped by a Markdown converter),
 * a newer `Processes:` excerpt indented with no-break spaces, and an older session view whose
 * `Request queues:` part lists no URLs (with the author's own annotations on two lines).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  httpSysQueuesOnPort,
  httpSysUrlPort,
  parseNetshHttpQueues,
} from '../../src/parsers/netsh-http.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/win32/netsh-http/${name}`, import.meta.url), 'utf8');

test('bookofdaniel (view=requestq, Process IDs layout): pid 2312 registered HTTP://LOCALHOST:8082/', () => {
  assert.deepEqual(parseNetshHttpQueues(fixture('bookofdaniel-ssrs-requestq.txt')), [
    {
      name: null,
      processes: [{ pid: 2312, image: null, services: [] }],
      urls: ['HTTP://LOCALHOST:8082/'],
    },
  ]);
});

test('Service Fabric guide (Markdown-escaped view=requestq): four queues, nested names ignored', () => {
  const queues = parseNetshHttpQueues(fixture('service-fabric-requestq-markdown-escaped.txt'));
  assert.deepEqual(
    queues.map((queue) => [queue.processes.map((process) => process.pid), queue.urls]),
    [
      [[944], ['HTTP://+:5985/WSMAN/', 'HTTP://+:47001/WSMAN/']],
      [[1344], ['HTTP://+:8871/']],
      [[1552], ['HTTP://+:80/']],
      [[4364], ['HTTP://+:19080/']],
    ],
  );
  assert.deepEqual(
    httpSysQueuesOnPort(queues, 80).map((queue) => queue.processes[0]?.pid),
    [1552],
    'port 80 is not confused with 8871 or 19080',
  );
  assert.deepEqual(httpSysQueuesOnPort(queues, 47001)[0]?.processes[0]?.pid, 944);
  assert.deepEqual(httpSysQueuesOnPort(queues, 8080), []);
});

test('Azure Local SDN guide (Processes layout, no-break-space indents): svchost hosting NcHostAgent', () => {
  const text = fixture('azure-local-sdn-nchostagent-nbsp-excerpt.txt');
  assert.ok(text.includes('\u00a0'), 'the recorded excerpt is indented with U+00A0');
  assert.deepEqual(parseNetshHttpQueues(text), [
    {
      name: null,
      processes: [
        { pid: 2688, image: 'C:\\Windows\\System32\\svchost.exe', services: ['NcHostAgent'] },
      ],
      urls: ['HTTPS://+:443/HOSTAGENT/VSWITCH/'],
    },
  ]);
});

test('uts-iotbay (older session view): the Request queues part has pids but no URLs', () => {
  const queues = parseNetshHttpQueues(fixture('uts-iotbay-session-view-annotated.txt'));
  assert.deepEqual(queues, [
    { name: null, processes: [{ pid: 5492, image: null, services: [] }], urls: [] },
    { name: null, processes: [{ pid: 37584, image: null, services: [] }], urls: [] },
  ]);
  assert.deepEqual(httpSysQueuesOnPort(queues, 8080), [], 'this layout cannot answer for a port');
});

test('BUILT (layout of the recorded Processes excerpt): named IIS pool, image <?>, several services', () => {
  const text = [
    'Snapshot of HTTP service state (Request Queue View):',
    '-----------------------------------------------------',
    '',
    'Request queue name: DefaultAppPool',
    '    Version: 2.0',
    '    Processes:',
    '        ID: 3248, image: <?>',
    '    Registered URLs:',
    '        HTTP://*:80/',
    '',
    'Request queue name: Request queue is unnamed.',
    '    Processes:',
    '        ID: 1412, image: C:\\Windows\\System32\\svchost.exe',
    '        Services: WinRM, WinRM',
    '        Tagged Service: WinRM',
    '    Registered URLs:',
    '        HTTP://+:5985/WSMAN/',
  ].join('\r\n');
  assert.deepEqual(parseNetshHttpQueues(text), [
    {
      name: 'DefaultAppPool',
      processes: [{ pid: 3248, image: null, services: [] }],
      urls: ['HTTP://*:80/'],
    },
    {
      name: null,
      processes: [{ pid: 1412, image: 'C:\\Windows\\System32\\svchost.exe', services: ['WinRM'] }],
      urls: ['HTTP://+:5985/WSMAN/'],
    },
  ]);
  assert.deepEqual(parseNetshHttpQueues(''), []);
});

test('URL ports: explicit, scheme default, IPv6, and not-a-URL', () => {
  assert.equal(httpSysUrlPort('HTTP://+:5985/WSMAN/'), 5985);
  assert.equal(httpSysUrlPort('HTTPS://TECHED-HYD-01:5000/FRVROOT_{FED10A98}/'), 5000);
  assert.equal(httpSysUrlPort('http://+/'), 80);
  assert.equal(httpSysUrlPort('https://*/x/'), 443);
  assert.equal(httpSysUrlPort('http://[::1]:8080/'), 8080);
  assert.equal(httpSysUrlPort('net.tcp://+:808/'), null);
});
