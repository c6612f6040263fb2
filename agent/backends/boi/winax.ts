// The real COM runtime: winax, loaded only on Windows and only when the boi backend starts, with a
// guarded dynamic import so that the package is never needed (or built) anywhere else.
import type { ByRef, ComRuntime, PvxScript } from './com.ts';
import { PROGID } from './objects.ts';

interface WinaxModule {
  Object: new (progId: string) => unknown;
  Variant: new (value: unknown, type: string) => { valueOf(): unknown };
}

export async function loadWinaxRuntime(): Promise<ComRuntime> {
  if (process.platform !== 'win32') {
    throw new Error('the boi backend needs Windows with Sage 100 installed; use --backend sim elsewhere');
  }
  let winax: WinaxModule;
  try {
    // A variable specifier keeps TypeScript and bundlers from resolving a package that is absent here.
    const specifier = 'winax';
    winax = ((await import(specifier)) as { default?: WinaxModule }).default ?? ((await import(specifier)) as WinaxModule);
  } catch (error) {
    throw new Error(`winax is not installed (npm install winax, matching the bitness of Sage 100): ${(error as Error).message}`);
  }
  return {
    createScript: () => new winax.Object(PROGID) as PvxScript,
    // [I] winax passes a Variant created with type 'byref' as a by-reference argument whose type follows
    // the initial value ('' → string, 0 → number; the site profile picks which, see agent selftest);
    // its value is read with valueOf().
    byRef: (initial) => new winax.Variant(initial, 'byref') as unknown as ByRef,
    readByRef: (ref) => (ref as unknown as { valueOf(): unknown }).valueOf(),
  };
}
