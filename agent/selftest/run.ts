// `agent selftest`: finds out, on the customer's server, what their Sage 100 actually answers, step
// by step (PASS / FAIL / UNKNOWN), records every COM call, and writes the answers as a site profile
// the boi backend loads. Read-only unless --write-test (test companies only).
import { BoiSession } from '../backends/boi/session.ts';
import type { ComRuntime } from '../backends/boi/com.ts';
import { compilePatterns, DEFAULT_PROFILE, type SiteProfile } from '../profile/profile.ts';
import { ProbeContext, type StepResult } from './context.ts';
import { accountStep, byRefStringStep, optionsStep, subAccountStep } from './gl-steps.ts';
import { budgetStep, fiscalStep, mainAccountStep } from './headcount-steps.ts';
import { ComRecorder, type RecordedCall } from './recorder.ts';
import { environmentStep, objectSteps, sessionSteps, taskSteps, type Environment } from './session-steps.ts';
import { lockStep, writeTestStep, type LockProbe } from './write-steps.ts';

export interface SelftestOptions {
  com: ComRuntime;
  environment: Environment;
  homePath: string;
  user: string;
  password: string;
  company: string;
  headcountAccount?: string;
  budgetCode?: string;
  accountFormat?: string;
  /** Start from this profile (e.g. one from an earlier run) instead of the defaults. */
  profile?: SiteProfile;
  probeLock?: LockProbe;
  writeTest?: boolean;
  /** `YYYYMMDD` for SetDate; default today. */
  today?: string;
  version?: string;
}

export interface SelftestResult {
  /** False when no session could be opened: nothing should be written. */
  sessionOpened: boolean;
  ok: boolean;
  steps: StepResult[];
  profile: SiteProfile;
  transcript: Transcript;
}

export interface Transcript {
  kind: 'ml-connector-sage100-selftest';
  version: string;
  at: string;
  company: string;
  environment: Environment;
  steps: StepResult[];
  calls: RecordedCall[];
}

function today(): string {
  return new Date().toISOString().slice(0, 10).replaceAll('-', '');
}

export async function runSelftest(options: SelftestOptions): Promise<SelftestResult> {
  const recorder = new ComRecorder(options.com);
  const com = recorder.runtime();
  const company = options.company.toUpperCase();
  const profile: SiteProfile = structuredClone(options.profile ?? DEFAULT_PROFILE);
  profile.verified = null;
  const ctx = new ProbeContext(com, profile, company);
  const date = options.today ?? today();
  const opened = environmentStep(ctx, options.environment, options.homePath) && sessionSteps(ctx, options.user, options.password, date);
  try {
    if (opened) await probe(ctx, options, date);
  } finally {
    // Also after a refused SetCompany: SetUser may already hold a licence.
    try {
      if (ctx.hasSession()) {
        ctx.session.nCleanup();
        ctx.session.DropObject();
      }
    } catch {
      // the session's COM server may be gone; its licence went with it
    }
  }
  const ok = opened && ctx.steps.every((s) => s.status !== 'FAIL');
  const headcount = ['headcount.mainAccount', 'headcount.fiscalCalendar', 'headcount.budgetColumns', 'headcount.budgetCode'].every((id) => ctx.steps.find((s) => s.id === id)?.status === 'PASS');
  const at = new Date().toISOString();
  if (ok) profile.verified = { at, by: `ml-connector agent selftest ${options.version ?? ''}`.trim(), company, headcount };
  const transcript: Transcript = { kind: 'ml-connector-sage100-selftest', version: options.version ?? '', at, company, environment: options.environment, steps: ctx.steps, calls: recorder.calls };
  return { sessionOpened: opened, ok, steps: ctx.steps, profile, transcript };
}

async function probe(ctx: ProbeContext, options: SelftestOptions, date: string): Promise<void> {
  taskSteps(ctx);
  objectSteps(ctx);
  byRefStringStep(ctx);
  subAccountStep(ctx);
  const accounts = accountStep(ctx);
  const structure = optionsStep(ctx, options.accountFormat, accounts);
  if (!structure) return;
  mainAccountStep(ctx, structure, options.headcountAccount ?? '9900');
  const calendar = fiscalStep(ctx, date);
  const accountKey = ctx.steps.find((s) => s.id === 'gl.accountProbe')?.data?.target as { accountKey?: string } | undefined;
  budgetStep(ctx, (options.budgetCode ?? ctx.profile.budget.code).toUpperCase(), accountKey?.accountKey, calendar);
  if (options.probeLock) await lockStep(ctx, options.probeLock);
  if (options.writeTest) {
    const patterns = compilePatterns(ctx.profile.messages);
    if ('key' in patterns) return;
    // A second session through the agent's own driver: the write path exactly as the agent runs it.
    let session: BoiSession;
    try {
      session = BoiSession.open(ctx.com, ctx.company, {
        homePath: options.homePath,
        user: options.user,
        password: options.password,
        profile: ctx.profile,
        classify: { patterns, lockRetryAfterSeconds: 5, licenceRetryAfterSeconds: 30 },
        today: () => date,
      });
    } catch (error) {
      return void ctx.step('write.session', 'FAIL', `a second session for the write test could not be opened: ${(error as Error).message}`);
    }
    try {
      writeTestStep(ctx, session, structure);
    } finally {
      session.close();
    }
  }
}
