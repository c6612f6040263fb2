// The boi backend: the Backend interface implemented over Sage 100's Business Object Interface.
// Given a ComRuntime it does not care whether COM is real (winax on Windows) or the simulator's fake.
// Every site-specific name comes from the site profile (agent/profile), written by `agent selftest`.
import type { AccountStructure } from '../../gl/account-format.ts';
import { AgentError } from '../../errors.ts';
import { compilePatterns, DEFAULT_PROFILE, type MessagePatterns, type SiteProfile } from '../../profile/profile.ts';
import type { Backend, Company, ProfileStatus } from '../backend.ts';
import { findAccount, listAccounts, upsertAccount } from './accounts.ts';
import type { ComRuntime } from './com.ts';
import { listHeadcount, upsertHeadcount } from './headcount.ts';
import { SessionPool } from './pool.ts';
import type { BoiSession } from './session.ts';
import { readStructure } from './structure.ts';
import { findSubAccount, listSubAccounts, normaliseSubAccountKey, upsertSubAccount } from './subaccounts.ts';

export interface BoiBackendOptions {
  com: ComRuntime;
  /** The MAS90\Home folder, e.g. `C:\Sage\Sage 100 Standard\MAS90\Home`. */
  homePath: string;
  /** A Sage 100 user that is not Administrator (sage100.md §2.1), with the rights in agent/README.md. */
  user: string;
  password: string;
  /** The companies this agent exposes; others are `unknown_company` without touching Sage. */
  companies: Company[];
  /** Main account (type 15 NonFin) holding headcount figures. Default `9900`. */
  headcountMainAccount?: string;
  /** Sessions (and so Sage user licences) the agent may hold. Default 2. */
  maxSessions?: number;
  /** A session unused this long is closed and its licence released. Default 60 s. */
  sessionIdleMs?: number;
  lockRetryAfterSeconds?: number;
  licenceRetryAfterSeconds?: number;
  /** The site profile (already checked, see profile/load.ts). Default: unverified guesses. */
  profile?: SiteProfile;
  /** Where the profile came from, for GET /v1/_admin/status. */
  profileSource?: { source: ProfileStatus['source']; file?: string };
  /** Reported by `status()`; the sim backend passes 'sim'. */
  kind?: 'sim' | 'boi';
}

const STRUCTURE_TTL_MS = 60_000;

function patternsOf(profile: SiteProfile): MessagePatterns {
  const compiled = compilePatterns(profile.messages);
  if ('key' in compiled) throw new Error(`site profile ${compiled.key} does not compile: ${compiled.message}`);
  return compiled;
}

export function profileStatus(profile: SiteProfile, source: BoiBackendOptions['profileSource'] = { source: 'defaults' }): ProfileStatus {
  const { verified } = profile;
  return {
    source: source.source,
    ...(source.file ? { file: source.file } : {}),
    verified: verified !== null,
    ...(verified ? { verifiedAt: verified.at, verifiedCompany: verified.company } : {}),
    headcount: verified?.headcount === true,
  };
}

export function createBoiBackend(options: BoiBackendOptions): Backend {
  const profile = options.profile ?? DEFAULT_PROFILE;
  const pool = new SessionPool(
    options.com,
    {
      homePath: options.homePath,
      user: options.user,
      password: options.password,
      profile,
      accountKeys: new Map(),
      classify: {
        patterns: patternsOf(profile),
        lockRetryAfterSeconds: options.lockRetryAfterSeconds ?? 5,
        licenceRetryAfterSeconds: options.licenceRetryAfterSeconds ?? 30,
      },
    },
    { maxSessions: options.maxSessions ?? 2, idleMs: options.sessionIdleMs ?? 60_000 },
  );
  const structures = new Map<string, { structure: AccountStructure; at: number }>();
  const headcountMain = options.headcountMainAccount ?? '9900';
  const status = profileStatus(profile, options.profileSource);

  function company(code: string): string {
    const upper = code.toUpperCase();
    if (!options.companies.some((c) => c.code === upper)) throw new AgentError('unknown_company', `company ${code} is not served by this agent`);
    return upper;
  }

  /** Headcount needs answers only a selftest can give (budget object, columns, code, calendar). */
  function requireHeadcount(): void {
    if (!status.headcount) {
      throw new AgentError('not_supported', "headcount needs a site profile whose selftest verified the budget object, Budget Code and fiscal calendar: run 'ml-connector agent selftest' and start the agent with --profile");
    }
  }

  /** Async on purpose: the HTTP layer awaits, and a worker-thread COM host can slot in later. */
  async function run<T>(code: string, work: (session: BoiSession, structure: () => AccountStructure) => T, read = false): Promise<T> {
    const co = company(code);
    return pool.run(
      co,
      (session) => {
        const structure = (): AccountStructure => {
          const cached = structures.get(co);
          if (cached && Date.now() - cached.at < STRUCTURE_TTL_MS) return cached.structure;
          const fresh = readStructure(session);
          structures.set(co, { structure: fresh, at: Date.now() });
          return fresh;
        };
        return work(session, structure);
      },
      read,
    );
  }

  return {
    kind: options.kind ?? 'boi',
    listCompanies: async () => options.companies,
    accountStructure: (co) => run(co, (_s, structure) => structure(), true),
    listSubAccounts: (co, segment, page) => run(co, (s, structure) => listSubAccounts(s, normaliseSubAccountKey(structure(), segment, '0').segment, page), true),
    getSubAccount: (co, segment, code) =>
      run(
        co,
        (s, structure) => {
          const found = findSubAccount(s, normaliseSubAccountKey(structure(), segment, code));
          if (!found) throw new AgentError('not_found', `sub-account ${segment}/${code} does not exist`);
          return found;
        },
        true,
      ),
    upsertSubAccount: (co, input, condition) => run(co, (s, structure) => upsertSubAccount(s, structure(), input, condition)),
    listAccounts: (co, page, main) => run(co, (s, structure) => listAccounts(s, structure(), page, main), true),
    getAccount: (co, account) =>
      run(
        co,
        (s, structure) => {
          const found = findAccount(s, structure(), account);
          if (!found) throw new AgentError('not_found', `account ${account} does not exist`);
          return found;
        },
        true,
      ),
    upsertAccount: (co, input, condition) => run(co, (s, structure) => upsertAccount(s, structure(), input, condition)),
    listHeadcount: async (co, period, page) => {
      requireHeadcount();
      return run(co, (s, structure) => listHeadcount(s, structure(), headcountMain, period, page), true);
    },
    upsertHeadcount: async (co, input, condition) => {
      requireHeadcount();
      return run(co, (s, structure) => upsertHeadcount(s, structure(), headcountMain, input, condition));
    },
    drain: async () => pool.drain(),
    resume: () => pool.resume(),
    status: () => ({ backend: options.kind ?? 'boi', draining: pool.isDraining, sessionsOpen: pool.counts().open, sessionsBusy: pool.counts().busy, profile: status }),
    close: async () => pool.close(),
  };
}
