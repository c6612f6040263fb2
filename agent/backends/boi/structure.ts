// Reads the company's account structure: the format string of GL_Options (delimiter + A/N + length
// per segment, sage100.md §1.2) and the segment descriptions. GL_Options is keyed by ModuleCode
// (`G/L`): a find without the key finds nothing on a real company (sage100.md §9). A site whose
// options cannot be read through any object gives the format in its profile instead.
import { parseAccountFormat, type AccountStructure } from '../../gl/account-format.ts';
import { AgentError } from '../../errors.ts';
import { comNumber } from './com-value.ts';
import type { BoiSession } from './session.ts';
import { setKeyValues } from './write.ts';

function readFormat(session: BoiSession): string {
  const { profile } = session;
  if (profile.accountFormat) return profile.accountFormat;
  const options = profile.objects.options;
  if (!options) throw new AgentError('not_supported', 'the site profile names no GL options object and no accountFormat; run agent selftest');
  return session.withObject(options.name, undefined, (bus) => {
    if (options.key !== null) setKeyValues(session, bus, 'GL options', [['ModuleCode$', options.key]]);
    if (comNumber(bus.nFind()) === 0) throw session.fail(bus, `reading GL options (${options.name}, key ${options.key ?? 'none'})`);
    return session.text(bus, 'AccountFormat$');
  });
}

/** Segment descriptions are cosmetic: a missing structure object leaves "Segment N". */
function readNames(session: BoiSession): string[] {
  const names: string[] = [];
  const object = session.profile.objects.structure;
  if (!object) return names;
  try {
    session.withObject(object, undefined, (bus) => {
      bus.nSetBrowseFilter('');
      if (comNumber(bus.nMoveFirst()) === 0) return;
      while (comNumber(bus.nEOF()) !== 1) {
        names[Number(session.text(bus, 'SegmentNo$')) - 1] = session.text(bus, 'SegmentDesc$');
        bus.nMoveNext();
      }
    });
  } catch (error) {
    if (!(error instanceof AgentError) || error.code !== 'not_supported') throw error;
  }
  return names;
}

export function readStructure(session: BoiSession): AccountStructure {
  const format = readFormat(session);
  const names = readNames(session);
  try {
    return parseAccountFormat(format, names);
  } catch (error) {
    throw new AgentError('internal_error', `Sage returned an account format the agent cannot read: ${(error as Error).message}`);
  }
}
