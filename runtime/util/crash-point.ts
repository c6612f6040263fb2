// Named places where fault tests kill the process (kill -9 of itself) to prove that a crash there
// loses and duplicates nothing. Inert unless ML_CONNECTOR_CRASH_AT names the point; `name:N` kills at
// the N-th time the point is reached.
const counts = new Map<string, number>();

export function crashPoint(name: string): void {
  const wanted = process.env.ML_CONNECTOR_CRASH_AT;
  if (!wanted) return;
  const [point, nth = '1'] = wanted.split(':');
  if (point !== name) return;
  const seen = (counts.get(name) ?? 0) + 1;
  counts.set(name, seen);
  if (seen === Number(nth)) process.kill(process.pid, 'SIGKILL');
}
