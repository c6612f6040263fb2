// Waits for something another party (a socket, a child process) makes true, without a wall-clock
// assertion: a bounded number of short waits, then a clear failure naming what never happened.
export async function until(predicate: () => boolean, what: string, tries = 1000): Promise<void> {
  for (let i = 0; i < tries; i += 1) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
}
