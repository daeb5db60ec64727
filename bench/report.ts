/**
 * Markdown rendering of the benchmark: one table per contest (medians, p90, ratios to the best
 * floor and the best peer side by side, the stall column, the answers), and the block the README's
 * Speed section is made of.
 *
 * @module
 */
import {
  allRight,
  best,
  type ContestantResult,
  type ContestResult,
  median,
  percentile,
} from './contest.ts';

/** Formats milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return value.toFixed(0);
}

/** Formats a difference in ms with its sign (`+5.52`, `-44.7`). */
function signed(value: number): string {
  return value < 0 ? `-${ms(-value)}` : `+${ms(value)}`;
}

/** Formats a ratio as `1.23×`. */
export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '—';
}

/** Formats bytes as KiB or MiB. */
export function bytes(value: number): string {
  return value >= 1024 ** 2
    ? `${(value / 1024 ** 2).toFixed(2)} MiB`
    : `${(value / 1024).toFixed(0)} KiB`;
}

function answers(result: ContestantResult): string {
  const wrong = [...result.wrongs.values()].reduce((sum, count) => sum + count, 0);
  if (wrong === 0) return `${result.calls}/${result.calls} right`;
  const [first] = result.wrongs.keys();
  return `**WRONG ${wrong}/${result.calls}**: ${first}`;
}

/** The stall cell: median of the per-call maxima / the worst, in ms. */
export function stallCell(result: ContestantResult | undefined): string {
  if (!result || result.stalls.length === 0) return '—';
  return `${ms(median(result.stalls))} / ${ms(Math.max(...result.stalls))}`;
}

/**
 * One contest as a markdown table. With `baseline` (a contestant's name), a column gives each
 * median minus the baseline's.
 */
export function contestTable(contest: ContestResult, baseline?: string): string {
  const floor = best(contest, 'floor');
  const peer = best(contest, 'peer');
  const base = contest.results.find((result) => result.name === baseline);
  const head = [
    'contestant',
    'kind',
    'median ms',
    'p90 ms',
    '× best floor',
    '× best peer',
    ...(base ? [`over ${base.name.split(' (')[0]}`] : []),
    'max stall ms (median / worst)',
    'answers',
  ];
  const lines = [
    `### ${contest.title}`,
    '',
    `${contest.rounds} timed rounds after a warm-up, contestants interleaved (order rotating each round).`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map((_, index) => (index < 2 || index === head.length - 1 ? '---' : '---:')).join('|')}|`,
  ];
  for (const result of contest.results) {
    const middle = median(result.times);
    const cells = [
      result.name.includes('|') ? result.name.replaceAll('|', '\\|') : result.name,
      result === floor || result === peer ? `**${result.kind} (best)**` : result.kind,
      ms(middle),
      ms(percentile(result.times, 0.9)),
      floor ? ratio(middle / median(floor.times)) : '—',
      peer ? ratio(middle / median(peer.times)) : '—',
      ...(base ? [result === base ? '0' : signed(middle - median(base.times))] : []),
      stallCell(result),
      answers(result),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The result of `name` in `contest`, when it answered right every time. */
export function rightResult(
  contest: ContestResult | undefined,
  name: string,
): ContestantResult | undefined {
  const result = contest?.results.find((candidate) => candidate.name === name);
  return result && allRight(result) ? result : undefined;
}

/** The contestant of `kind` with the lowest median stall (all answers right). */
export function leastStall(
  contest: ContestResult | undefined,
  kind: ContestantResult['kind'],
): ContestantResult | undefined {
  let winner: ContestantResult | undefined;
  for (const result of contest?.results ?? []) {
    if (result.kind !== kind || !allRight(result) || result.stalls.length === 0) continue;
    if (!winner || median(result.stalls) < median(winner.stalls)) winner = result;
  }
  return winner;
}

/**
 * Replaces the text between `<!-- NAME -->` and `<!-- /NAME -->` in `readme` with `text` (one
 * pair of markers, or an error that says where to put them).
 */
export function replaceMarked(readme: string, name: string, text: string): string {
  const open = `<!-- ${name} -->`;
  const close = `<!-- /${name} -->`;
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start === -1 || end === -1 || end < start || readme.indexOf(open, start + 1) !== -1) {
    throw new Error(
      `README has no single ${open} … ${close} pair: put the markers around the generated part`,
    );
  }
  return `${readme.slice(0, start + open.length)}\n${text.trim()}\n${readme.slice(end)}`;
}

/** Replaces the text between `<!-- SPEED -->` and `<!-- /SPEED -->` in `readme` with `block`. */
export function replaceSpeedSection(readme: string, block: string): string {
  return replaceMarked(readme, 'SPEED', block);
}
