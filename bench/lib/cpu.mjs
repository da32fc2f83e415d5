// Who had the machine's CPU during a load (BENCH_CPU=1, Linux only): the machine's time by kind
// (busy, idle, and "steal": time the virtual machine's host gave to someone else) and each
// process's share, from /proc. For telling a slow load caused by the page from one caused by its
// neighbours. The clock ticks in hundredths of a second, so figures are ±10 ms per process.
import { readFileSync, readdirSync } from 'node:fs';

const TICK_MS = 10;

function label(pid) {
  try {
    // Chromium rewrites its command line as one string (a process title): split on spaces too.
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    const type = args.find((a) => a.startsWith('--type='));
    const name = args[0].split('/').at(-1);
    if (pid === String(process.pid)) return 'bench (node)';
    if (/chrom/.test(name)) {
      if (!type) return 'chromium browser';
      const sub = args.find((a) => a.startsWith('--utility-sub-type='));
      return `chromium ${type.slice(7)}${sub ? ` ${sub.split('=')[1].split('.').at(-2) ?? ''}` : ''}`;
    }
    if (args.some((a) => /prosody/.test(a))) return 'prosody';
    return name || 'other';
  } catch {
    return 'other';
  }
}

/** The machine's CPU counters now. */
export function cpuSnapshot() {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
  const procs = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: the fields start after it.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(pid, Number(rest[11]) + Number(rest[12]));
    } catch {
      // gone meanwhile
    }
  }
  return {
    busy: user + nice + system + irq + softirq,
    idle: idle + iowait,
    steal: steal ?? 0,
    procs,
  };
}

/** What happened between two snapshots, in milliseconds of CPU: machine totals and per process kind. */
export function cpuBetween(a, b) {
  const ms = (ticks) => ticks * TICK_MS;
  const byKind = {};
  for (const [pid, ticks] of b.procs) {
    const used = ticks - (a.procs.get(pid) ?? 0);
    if (used <= 0) continue;
    const kind = label(pid);
    byKind[kind] = (byKind[kind] ?? 0) + ms(used);
  }
  return {
    busyMs: ms(b.busy - a.busy),
    idleMs: ms(b.idle - a.idle),
    stealMs: ms(b.steal - a.steal),
    byKind: Object.fromEntries(Object.entries(byKind).sort((x, y) => y[1] - x[1])),
  };
}
