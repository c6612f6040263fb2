// GL_MainAccount: read before anything is created for headcount, so a financial main account
// configured by mistake is refused before a GL account lands in the customer's chart. Its key is
// SegmentNo+MainAccountCode with SegmentNo `01` [C, sage100.md §1.3].
import { AgentError } from '../../errors.ts';
import { comNumber } from './com-value.ts';
import { MAIN_SEGMENT_NO } from './objects.ts';
import type { BoiSession } from './session.ts';
import { setKeyValues } from './write.ts';

/** Account type 15 = non-financial (sage100.md §3.4, [C]). */
export const NON_FINANCIAL_TYPE = '15';

export function mainAccountType(session: BoiSession, mainAccount: string): string {
  const { bus: name, task } = session.profile.objects.mainAccount;
  return session.withObject(name, task, (bus) => {
    setKeyValues(session, bus, `main account ${mainAccount}`, [
      ['SegmentNo$', MAIN_SEGMENT_NO],
      ['MainAccountCode$', mainAccount],
    ]);
    if (comNumber(bus.nFind()) === 0) throw session.fail(bus, `main account ${mainAccount} is not on file`);
    return session.text(bus, 'AccountType$');
  });
}

export function requireNonFinancial(session: BoiSession, mainAccount: string): void {
  const type = mainAccountType(session, mainAccount);
  if (type !== NON_FINANCIAL_TYPE) {
    throw new AgentError('sage_rejected', `main account ${mainAccount} has account type ${type}, not ${NON_FINANCIAL_TYPE} (non-financial); configure a NonFin headcount account`);
  }
}
