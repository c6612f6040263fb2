// Turns a BOI failure (a 0 return code plus sLastErrorMsg, Nothing from NewObject, or a thrown COM
// error) into a typed error. The texts are matched by the site profile's patterns.
import { AgentError } from '../../errors.ts';
import type { MessagePatterns } from '../../profile/profile.ts';

export interface ClassifyOptions {
  patterns: MessagePatterns;
  lockRetryAfterSeconds: number;
  licenceRetryAfterSeconds: number;
}

export type Fallback = 'sage_rejected' | 'permission_denied' | 'not_found' | 'not_supported';

/** `step` says what was being done, for the message; `fallback` is the code for an unrecognised text. */
export function classifyBoiFailure(sageMessage: string, step: string, options: ClassifyOptions, fallback: Fallback = 'sage_rejected'): AgentError {
  const { patterns } = options;
  const text = sageMessage.trim() || '(Sage returned no message)';
  if (patterns.licence.test(text)) {
    return new AgentError('no_licence', `no Sage 100 user licence is free (${step})`, { sageMessage: text, retryAfterSeconds: options.licenceRetryAfterSeconds });
  }
  if (patterns.lock.test(text)) {
    return new AgentError('record_locked', `the record is locked by another Sage 100 user (${step})`, { sageMessage: text, retryAfterSeconds: options.lockRetryAfterSeconds });
  }
  if (patterns.security.test(text)) return new AgentError('permission_denied', `the Sage 100 user lacks rights for this (${step})`, { sageMessage: text });
  if (patterns.company.test(text)) return new AgentError('unknown_company', `Sage 100 refused the company (${step})`, { sageMessage: text });
  if (fallback === 'not_supported') {
    return new AgentError('not_supported', `Sage 100 could not do this: ${text} (${step}); run 'ml-connector agent selftest' and load its profile`, { sageMessage: text });
  }
  return new AgentError(fallback, `Sage 100 refused: ${text} (${step})`, { sageMessage: text });
}

/** True when the text is one of the classified refusals (rights, lock, licence, company), not a plain "nothing there". */
export function isRefusal(sageMessage: string, options: ClassifyOptions): boolean {
  const { patterns } = options;
  return [patterns.licence, patterns.lock, patterns.security, patterns.company].some((p) => p.test(sageMessage));
}

/** A thrown COM error means the ProvideX process or connection is gone: the session must be rebuilt. */
export function sessionLost(error: unknown, step: string): AgentError {
  const detail = error instanceof Error ? error.message : String(error);
  return new AgentError('session_lost', `the Sage 100 session failed (${step}); it is being rebuilt — retry`, { sageMessage: detail, retryAfterSeconds: 1 });
}
