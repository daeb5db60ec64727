/**
 * The README block: one table in the shape of issue 10 (portwarden, the best peer, the best
 * floor, the ratios), with the machine and the date, built from one run's results.
 *
 * @module
 */
import { best, type ContestantResult, type ContestResult, median } from './contest.ts';
import { type MachineInfo, machineLine } from './machine.ts';
import { bytes, leastStall, ms, ratio, rightResult, stallCell } from './report.ts';
import { type Footprint, OMIT_OPTIONAL } from './sections/footprint.ts';
import { BARE } from './sections/startup.ts';

/** Everything one run measured (sections that were not run are absent). */
export interface BenchResults {
  readonly machine: MachineInfo;
  quietProcesses?: number;
  /** TCP rows in the socket table when the quiet measurements started. */
  quietSockets?: number;
  loadDescription?: string;
  quiet?: ContestResult;
  loaded?: ContestResult;
  quietProfile?: ContestResult;
  loadedProfile?: ContestResult;
  inUseHeld?: ContestResult;
  inUseFree?: ContestResult;
  free?: ContestResult;
  imports?: ContestResult;
  cli?: ContestResult;
  footprints?: Footprint[];
}

type Row = [string, string, string, string, string, string];

function short(name: string): string {
  return name.replace(/ \(.*\)$/, '');
}

function timed(result: ContestantResult | undefined, withName = true): string {
  if (!result) return '—';
  return `${withName ? `${short(result.name)} ` : ''}${ms(median(result.times))} ms`;
}

function quotient(a: ContestantResult | undefined, b: ContestantResult | undefined): string {
  return a && b ? ratio(median(a.times) / median(b.times)) : '—';
}

function lookupRows(label: string, contest: ContestResult | undefined): Row[] {
  if (!contest) return [];
  const ours = rightResult(contest, 'portwarden getProcessesOnPort');
  const peer = best(contest, 'peer');
  const floor = best(contest, 'floor');
  const peerStall = leastStall(contest, 'peer');
  const floorStall = leastStall(contest, 'floor');
  return [
    [
      label,
      ours ? timed(ours, false) : '**wrong**',
      timed(peer),
      timed(floor),
      quotient(ours, floor),
      quotient(ours, peer),
    ],
    [
      '↳ event loop blocked during that call (max stall, median / worst)',
      `${stallCell(ours)} ms`,
      peerStall ? `${short(peerStall.name)} ${stallCell(peerStall)} ms` : '—',
      floorStall ? `${short(floorStall.name)} ${stallCell(floorStall)} ms` : '—',
      '',
      '',
    ],
  ];
}

function inUseRow(held?: ContestResult, free?: ContestResult): Row[] {
  if (!held || !free) return [];
  const name = 'portwarden isPortInUse';
  const cell = (pick: (contest: ContestResult) => ContestantResult | undefined) =>
    `held ${timed(pick(held), false)}, free ${timed(pick(free), false)}`;
  const peer = best(held, 'peer');
  const floor = best(held, 'floor');
  return [
    [
      'is the port in use (`isPortInUse`; held / free port)',
      cell((contest) => rightResult(contest, name)),
      peer ? `${short(peer.name)}: ${cell((contest) => rightResult(contest, peer.name))}` : '—',
      floor ? `bind probe: ${cell((contest) => rightResult(contest, floor.name))}` : '—',
      quotient(rightResult(held, name), floor),
      quotient(rightResult(held, name), peer),
    ],
  ];
}

function freeRows(contest: ContestResult | undefined): Row[] {
  if (!contest) return [];
  const ours = rightResult(contest, 'portwarden ensurePortFree');
  const forced = rightResult(contest, 'portwarden ensurePortFree {force: true}');
  const floor = best(contest, 'floor');
  const peer = best(contest, 'peer');
  return [
    [
      'free a port whose holder exits 100 ms after SIGTERM (`ensurePortFree`; `force: true`)',
      `${timed(ours, false)}; force ${timed(forced, false)}`,
      timed(peer),
      floor ? `SIGTERM to the known pid + bind poll ${timed(floor, false)}` : '—',
      quotient(ours, floor),
      quotient(ours, peer),
    ],
    [
      '↳ event loop blocked during `ensurePortFree` (median / worst)',
      `${stallCell(ours)} ms`,
      '',
      '',
      '',
      '',
    ],
  ];
}

function startupRows(imports?: ContestResult, cli?: ContestResult): Row[] {
  const rows: Row[] = [];
  const bareOf = (contest: ContestResult) => rightResult(contest, BARE);
  if (imports) {
    const bare = bareOf(imports);
    const over = (result: ContestantResult | undefined) =>
      result && bare ? `+${ms(median(result.times) - median(bare.times))} ms` : '—';
    const peer = best(imports, 'peer');
    rows.push([
      'import cost over bare `node -e 0` start-up',
      over(rightResult(imports, 'portwarden (dist/index.js)')),
      peer ? `${short(peer.name)} ${over(peer)}` : '—',
      `0 (bare start-up ${timed(bare, false)})`,
      '',
      '',
    ]);
  }
  if (cli) {
    const bare = bareOf(cli);
    const check = rightResult(cli, 'portwarden check (free port)');
    const peer = best(cli, 'peer');
    rows.push([
      '`portwarden check <port>` wall time (free port)',
      `${timed(check, false)} (${quotient(check, bare)} bare node)`,
      peer ? `kill-port CLI ${timed(peer, false)} (${quotient(peer, bare)})` : '—',
      `\`node -e 0\` ${timed(bare, false)}`,
      quotient(check, bare),
      quotient(check, peer),
    ]);
  }
  return rows;
}

function footprintRows(footprints?: Footprint[]): Row[] {
  if (!footprints) return [];
  const cell = (row: Footprint | undefined) =>
    !row
      ? '—'
      : row.error
        ? 'install failed'
        : `${row.packages} package${row.packages === 1 ? '' : 's'}, ${bytes(row.bytes)}`;
  const ours = footprints.find((row) => row.name === 'portwarden');
  const lean = footprints.find((row) => row.name === OMIT_OPTIONAL);
  const peers = footprints.filter((row) => !row.name.startsWith('portwarden') && !row.error);
  const peer = peers.sort((a, b) => a.bytes - b.bytes)[0];
  return [
    [
      'installed footprint (`npm install --omit=dev`; with `--omit=optional`: no pid-port)',
      lean ? `${cell(ours)}; ${cell(lean)}` : cell(ours),
      peer ? `${peer.name} ${cell(peer)}` : '—',
      '—',
      '',
      '',
    ],
  ];
}

/**
 * The README block (what goes between the SPEED markers).
 *
 * @example
 * ```ts
 * writeFileSync('README-speed.md', readmeBlock(results));
 * ```
 */
export function readmeBlock(results: BenchResults): string {
  const rows: Row[] = [
    ...lookupRows(
      `who holds P, quiet machine (1 listener, ${results.quietProcesses ?? '?'} processes, ${results.quietSockets ?? '?'} TCP sockets)`,
      results.quiet,
    ),
    ...lookupRows(`who holds P, ${results.loadDescription ?? 'busy machine'}`, results.loaded),
    ...inUseRow(results.inUseHeld, results.inUseFree),
    ...freeRows(results.free),
    ...startupRows(results.imports, results.cli),
    ...footprintRows(results.footprints),
  ];
  const { machine } = results;
  return [
    `<!-- generated by \`npm run bench\` on ${machine.date}; regenerate with \`npm run bench -- --update-readme\` -->`,
    `Measured with \`npm run bench\` on ${machine.date.slice(0, 10)}, commit ${machine.commit.split(' ')[0]}:`,
    `${machineLine(machine)}. All contestants in one run, interleaved round by round; medians`,
    '(p90 and every contestant in the full report). Stall: the longest event-loop block during the call,',
    'measured with a 1 ms interval timer. Ratios are portwarden ÷ the other; your numbers will differ.',
    '',
    '| measure | portwarden | best peer | best floor | ÷ floor | ÷ peer |',
    '|---|---|---|---|---:|---:|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}
