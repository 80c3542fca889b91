/** Concurrent identical misses run once: later callers wait for the first one's result. */
export function createSingleFlight<T>() {
  const inFlight = new Map<string, Promise<T>>();
  return (key: string, run: () => Promise<T>): { result: Promise<T>; leader: boolean } => {
    const existing = inFlight.get(key);
    if (existing) return { result: existing, leader: false };
    const result = run().finally(() => inFlight.delete(key));
    inFlight.set(key, result);
    return { result, leader: true };
  };
}
