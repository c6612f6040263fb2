import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../agent/errors.ts';
import type { HttpResponse } from '../../runtime/index.ts';
import { AGENT_ERROR_MEANINGS, classifyAgentResponse } from './agent-errors.ts';

const clock = (): Date => new Date('2026-11-28T06:00:00Z');

function response(status: number, error: Record<string, unknown>, headers: Record<string, string> = {}): HttpResponse {
  const body = Buffer.from(JSON.stringify({ error }));
  return { status, headers: { 'content-type': 'application/json', ...headers }, body, text: () => body.toString(), json: <T>() => JSON.parse(body.toString()) as T };
}

describe('agent error table', () => {
  it('maps every code the agent can send, and no code it cannot', () => {
    expect(Object.keys(AGENT_ERROR_MEANINGS).sort()).toEqual(Object.keys(ERRORS).sort());
  });

  it("retries exactly the agent's retryable codes, with its Retry-After", () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      const verdict = classifyAgentResponse(response(spec.status, { code, message: 'm', retryable: spec.retryable }, { 'retry-after': '7' }), clock);
      if (spec.retryable) expect(verdict, code).toEqual({ retry: true, retryAfterMs: 7000, reason: expect.stringContaining(code) as unknown });
      else expect(verdict === 'ok' || (typeof verdict === 'object' && 'error' in verdict), code).toBe(true);
    }
  });

  it('gives the classes the issue asks for', () => {
    const classOf = (code: keyof typeof ERRORS): string | undefined => {
      const verdict = classifyAgentResponse(response(ERRORS[code].status, { code, message: 'm', retryable: false, field: 'description', rule: 'maxLength', sageMessage: 'Sage says no' }), clock);
      return typeof verdict === 'object' && 'error' in verdict ? verdict.error : undefined;
    };
    expect(['validation_failed', 'sage_rejected'].map((c) => classOf(c as keyof typeof ERRORS))).toEqual(['MLC_REMOTE_REJECTED', 'MLC_REMOTE_REJECTED']);
    expect(['unauthorized', 'permission_denied', 'unknown_company'].map((c) => classOf(c as keyof typeof ERRORS))).toEqual(['MLC_REMOTE_AUTH', 'MLC_REMOTE_AUTH', 'MLC_REMOTE_UNKNOWN_SCOPE']);
    const verdict = classifyAgentResponse(response(422, { code: 'sage_rejected', message: 'refused', retryable: false, field: 'status', rule: 'sage', sageMessage: 'Sub-account is inactive' }), clock);
    expect(verdict).toMatchObject({ message: expect.stringMatching(/sage_rejected: refused; field status \(sage\); Sage says: Sub-account is inactive/) as unknown });
  });

  it("a code newer than the table follows the agent's retryable flag", () => {
    expect(classifyAgentResponse(response(503, { code: 'brand_new', message: 'm', retryable: true }), clock)).toMatchObject({ retry: true });
    expect(classifyAgentResponse(response(409, { code: 'brand_new', message: 'm', retryable: false }), clock)).toMatchObject({ error: 'MLC_REMOTE_REJECTED' });
  });
});
