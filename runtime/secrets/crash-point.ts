// Named points where a test can have the process killed outright (SIGKILL, no clean-up), to show that a
// kill at that instant leaves a readable store. Off unless ML_CONNECTOR_CRASH_AT names the point.
export type CrashPoint = 'store:before-rename' | 'rotate:next-key-written' | 'rotate:store-written';

export function crashPoint(point: CrashPoint): void {
  if (process.env.ML_CONNECTOR_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
