// What every handler may use. One object per running sandbox, so two sandboxes in one process
// (tests) never share state.
import type { Logger } from '../../runtime/lib/log.ts';
import type { RuntimeSettings } from './options.ts';
import type { SandboxState } from './state.ts';
import type { TokenStore } from './tokens.ts';
import type { Prng } from './prng.ts';

export interface HandlerContext {
  state: SandboxState;
  settings: RuntimeSettings;
  tokens: TokenStore;
  faultPrng: Prng;
  logger: Logger;
  nowMs(): number;
}
