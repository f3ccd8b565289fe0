import fs from 'node:fs';

/** Clock ticks a second in /proc/<pid>/task/<tid>/stat (USER_HZ; 100 on Linux). */
const TICKS = 100;

/** CPU seconds (user + system) of each thread of a process, by thread id; empty once it has exited. Linux only. */
export function threadCpu(pid: number): Map<number, { name: string; seconds: number }> {
  const out = new Map<number, { name: string; seconds: number }>();
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), { name, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS });
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** The CPU seconds the process's threads used between two readings: main thread, the busiest other thread, and all. */
export function threadCpuDelta(before: ReturnType<typeof threadCpu>, after: ReturnType<typeof threadCpu>, pid: number) {
  const used = [...after].map(([tid, t]) => ({ tid, name: t.name, seconds: t.seconds - (before.get(tid)?.seconds ?? 0) }));
  const main = used.find((t) => t.tid === pid)?.seconds ?? 0;
  const others = used.filter((t) => t.tid !== pid).sort((a, b) => b.seconds - a.seconds);
  return { main, busiestOther: others[0]?.seconds ?? 0, total: used.reduce((s, t) => s + t.seconds, 0) };
}
