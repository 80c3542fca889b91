/** A benchmark's servers' CPU time, read from /proc (Linux). */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second, the unit of /proc/<pid>/stat's times. */
let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system, all threads) a process has used, in ms, from /proc: how much of the two shared cores a
 * server spends per request is robust to whatever else runs, where its requests per second are not.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return statCpuMs(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms) of each thread of a process, by thread id (the event loop's is the process id; the others are the
 * worker threads, V8's helpers for garbage collection and compilation, libuv's pool). Empty where /proc cannot tell.
 */
export function threadsCpuMs(pid: number | undefined): Map<number, number> {
  const threads = new Map<number, number>();
  if (pid === undefined) return threads;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) threads.set(Number(tid), statCpuMs(`/proc/${pid}/task/${tid}/stat`));
  } catch {
    // the process (or a thread) ended while it was read
  }
  return threads;
}

/** utime + stime of a /proc stat file, in ms. */
function statCpuMs(path: string): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond; // utime, stime (fields 14 and 15)
}
