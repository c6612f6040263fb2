// Reads the company's account structure: the format string of GL_Options (delimiter + A/N + length
// per segment, sage100.md §1.2) and the segment descriptions.
import { parseAccountFormat, type AccountStructure } from '../../gl/account-format.ts';
import { AgentError } from '../../errors.ts';
import { OBJECTS } from './objects.ts';
import type { BoiSession } from './session.ts';

export function readStructure(session: BoiSession): AccountStructure {
  const format = session.withObject(OBJECTS.options.bus, undefined, (bus) => {
    if (bus.nFind() === 0) throw session.fail(bus, 'reading GL options');
    return session.text(bus, 'AccountFormat$');
  });
  const names: string[] = [];
  session.withObject(OBJECTS.structure.bus, undefined, (bus) => {
    if (bus.nMoveFirst() === 0) return;
    while (bus.nEOF() !== 1) {
      names[Number(session.text(bus, 'SegmentNo$')) - 1] = session.text(bus, 'SegmentDesc$');
      bus.nMoveNext();
    }
  });
  try {
    return parseAccountFormat(format, names);
  } catch (error) {
    throw new AgentError('internal_error', `Sage returned an account format the agent cannot read: ${(error as Error).message}`);
  }
}
