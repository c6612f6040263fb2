// Selftest steps 1–3: the environment, the session sequence (each call with its return code and
// Sage's message), then the task rights and which candidate object names this Sage 100 has.
import { comNumber, comText, comTypeOf, isNothing } from '../backends/boi/com-value.ts';
import type { SySession } from '../backends/boi/com.ts';
import { MODULE, PROGID } from '../backends/boi/objects.ts';
import type { BusTask } from '../profile/profile.ts';
import type { ProbeContext } from './context.ts';

export interface Environment {
  platform: string;
  arch: string;
  node: string;
  /** `winax` (real COM) or `simulator`. */
  runtime: string;
}

/** Names to try, the profile's current guess first. [I] except where objects.ts says [C]. */
export const CANDIDATES = {
  options: ['GL_Options_svc', 'GL_Options_bus'],
  structure: ['GL_AccountStructure_svc', 'GL_AccountStructure_bus'],
  fiscalCalendar: ['GL_FiscalYear_svc', 'GL_FiscalYearDetail_svc', 'GL_FiscalYear_bus'],
  budget: [
    { bus: 'GL_BudgetDetail_bus', task: 'GL_Budget_ui' },
    { bus: 'GL_Budget_bus', task: 'GL_Budget_ui' },
    { bus: 'GL_BudgetDetail_bus', task: 'GL_BudgetMaintenance_ui' },
  ],
} as const;

export function environmentStep(ctx: ProbeContext, env: Environment, homePath: string): boolean {
  const where = `${env.platform}/${env.arch}, Node ${env.node}, ${env.runtime}`;
  if (env.runtime !== 'simulator' && env.platform !== 'win32') {
    ctx.step('environment', 'FAIL', `${where}: the boi backend needs Windows with the Sage 100 client installed`, { ...env });
    return false;
  }
  try {
    ctx.script = ctx.com.createScript();
  } catch (error) {
    ctx.step('environment', 'FAIL', `${where}: CreateObject("${PROGID}") failed: ${(error as Error).message} (is Node the same bitness as Sage 100? is the Sage 100 workstation client installed?)`, { ...env });
    return false;
  }
  ctx.step('environment', 'PASS', `${where}; CreateObject("${PROGID}") worked`, { ...env, progId: PROGID });
  try {
    ctx.script.Init(homePath);
  } catch (error) {
    ctx.step('session.Init', 'FAIL', `Init("${homePath}") failed: ${(error as Error).message} (--home must be the MAS90\\Home folder)`);
    return false;
  }
  ctx.step('session.Init', 'PASS', `Init("${homePath}")`);
  return true;
}

/** SetUser, SetCompany, SetDate, SetModule, each reported; false stops the run (nothing is written). */
export function sessionSteps(ctx: ProbeContext, user: string, password: string, today: string): boolean {
  const made = ctx.script.NewObject('SY_Session');
  if (isNothing(made)) {
    ctx.step('session.SY_Session', 'FAIL', 'NewObject("SY_Session") returned Nothing');
    return false;
  }
  ctx.session = made as SySession;
  const calls: Array<[string, string, () => unknown]> = [
    ['SetUser', `SetUser("${user}", ****)`, () => ctx.session.nSetUser(user, password)],
    ['SetCompany', `SetCompany("${ctx.company}")`, () => ctx.session.nSetCompany(ctx.company)],
    ['SetDate', `SetDate("${MODULE}", "${today}")`, () => ctx.session.nSetDate(MODULE, today)],
    ['SetModule', `SetModule("${MODULE}")`, () => ctx.session.nSetModule(MODULE)],
  ];
  for (const [id, shown, call] of calls) {
    let rc: number;
    try {
      rc = comNumber(call());
    } catch (error) {
      ctx.step(`session.${id}`, 'FAIL', `${shown} threw: ${(error as Error).message}`);
      return false;
    }
    if (rc === 0) {
      ctx.step(`session.${id}`, 'FAIL', `${shown} = 0: ${ctx.sessionMessage() || '(Sage gave no message)'}`, { sageMessage: ctx.sessionMessage() });
      return false;
    }
    ctx.step(`session.${id}`, 'PASS', `${shown} = ${rc}`);
  }
  // winax returns a dispatch wrapper for members without type information (sage100.md §9); the
  // driver reads every value through one helper either way, so this is reported, not judged.
  const type = comTypeOf(ctx.session.sLastErrorMsg);
  ctx.step('com.propertyTypes', type === 'wrapper' || type === 'string' ? 'PASS' : 'UNKNOWN', `sLastErrorMsg comes back as ${type === 'wrapper' ? 'a dispatch wrapper (read through valueOf())' : `a ${type}`}`, { sLastErrorMsg: type });
  const name = comText(ctx.session.sCompanyName);
  ctx.step('session.companyName', name ? 'PASS' : 'UNKNOWN', name ? `company ${ctx.company} is "${name}"` : 'sCompanyName is not available', { name });
  return true;
}

/** Each `_ui` task used, and its business object: rights are checked where NewObject answers. */
export function taskSteps(ctx: ProbeContext): void {
  const used: Array<[string, BusTask]> = [
    ['subAccount', ctx.profile.objects.subAccount],
    ['account', ctx.profile.objects.account],
    ['mainAccount', ctx.profile.objects.mainAccount],
  ];
  for (const [key, { bus, task }] of used) {
    const { object, outcome, message } = ctx.create(bus, task);
    object?.DropObject();
    ctx.step(`task.${task}`, object ? 'PASS' : 'FAIL', `${task} → NewObject("${bus}"): ${outcome}${message ? ` (${message})` : ''}`, { object: key, bus, task, outcome, message });
  }
  // The budget object is unverified: try the candidates, keep the first that Sage creates.
  const tried: Array<Record<string, string>> = [];
  for (const candidate of [ctx.profile.objects.budget, ...CANDIDATES.budget]) {
    const result = ctx.create(candidate.bus, candidate.task);
    result.object?.DropObject();
    tried.push({ ...candidate, outcome: result.outcome, message: result.message });
    if (result.object) {
      ctx.profile.objects.budget = { ...candidate };
      ctx.step(`task.${candidate.task}`, 'PASS', `${candidate.task} → NewObject("${candidate.bus}"): created`, { tried });
      return;
    }
  }
  ctx.step('task.budget', 'FAIL', `no budget object could be created: ${tried.map((t) => `${t.task}/${t.bus}: ${t.outcome} ${t.message}`).join('; ')}`, { tried });
}

/** The `_svc` objects (no task): options, account structure, fiscal calendar. */
export function objectSteps(ctx: ProbeContext): void {
  const kinds = [
    ['options', CANDIDATES.options],
    ['structure', CANDIDATES.structure],
    ['fiscalCalendar', CANDIDATES.fiscalCalendar],
  ] as const;
  for (const [kind, names] of kinds) {
    const tried: Array<Record<string, string>> = [];
    let found: string | undefined;
    for (const name of names) {
      const result = ctx.create(name);
      result.object?.DropObject();
      tried.push({ name, outcome: result.outcome, message: result.message });
      if (result.object) {
        found = name;
        break;
      }
    }
    if (kind === 'options') ctx.profile.objects.options = found ? { name: found, key: ctx.profile.objects.options?.key ?? 'G/L' } : null;
    else ctx.profile.objects[kind] = found ?? null;
    const summary = tried.map((t) => `${t.name}: ${t.outcome}${t.message ? ` (${t.message})` : ''}`).join('; ');
    // No options or structure object: the format can still come from the accounts (gl-steps.ts).
    ctx.step(`object.${kind}`, found ? 'PASS' : kind === 'fiscalCalendar' ? 'FAIL' : 'UNKNOWN', summary, { tried });
  }
}
