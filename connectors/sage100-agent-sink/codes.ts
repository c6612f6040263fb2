// Segment codes and item keys. The pipeline names segments (division, department…); the agent numbers
// them (02, 03…). Codes are normalised as Sage stores them (numeric zero-filled, alphanumeric upper-case)
// so a key read back from the agent equals the key the pipeline planned, and a code that cannot fit
// its segment is refused here, before any request, naming the segment's rule.
import { ConnectorRuntimeError } from '../../runtime/index.ts';
import type { Sage100AgentSinkConfig } from './config.ts';

export interface SegmentInfo {
  name: string;
  /** '01' is the main account; '02'..'10' are sub-account segments. */
  segmentNo: string;
  length: number;
  type: 'numeric' | 'alphanumeric';
}

export class AccountFormat {
  readonly segments: readonly SegmentInfo[];
  readonly separator: string;

  constructor(config: Readonly<Sage100AgentSinkConfig>) {
    this.separator = config.accountFormat.separator;
    this.segments = config.accountFormat.segments.map((s, i) => ({ name: s.name, segmentNo: String(i + 1).padStart(2, '0'), length: s.length, type: s.type }));
  }

  get main(): SegmentInfo {
    return this.segments[0] as SegmentInfo;
  }

  get subSegments(): readonly SegmentInfo[] {
    return this.segments.slice(1);
  }

  byName(name: string, recordKey?: string): SegmentInfo {
    const segment = this.segments.find((s) => s.name === name);
    if (!segment) {
      throw new ConnectorRuntimeError('MLC_SINK_CODE_FORMAT', `segment '${name}' is not in the account format (${this.segments.map((s) => s.name).join(', ')})`, recordKey ? { recordKey } : {});
    }
    return segment;
  }

  byNumber(segmentNo: string): SegmentInfo | undefined {
    return this.segments.find((s) => s.segmentNo === segmentNo);
  }

  /** The code as Sage will store it; throws MLC_SINK_CODE_FORMAT naming the rule it breaks. */
  normalize(segment: SegmentInfo, code: unknown, recordKey?: string): string {
    const fail = (rule: string): never => {
      throw new ConnectorRuntimeError('MLC_SINK_CODE_FORMAT', `${JSON.stringify(code)} does not fit segment '${segment.name}' (${rule})`, recordKey ? { recordKey } : {});
    };
    if (typeof code !== 'string' || code.trim() === '') return fail('a code is required');
    const value = code.trim();
    if (value.length > segment.length) fail(`at most ${segment.length} characters`);
    if (segment.type === 'numeric') {
      if (!/^[0-9]+$/.test(value)) fail(`numeric: digits only, ${segment.length} long`);
      return value.padStart(segment.length, '0');
    }
    if (!/^[A-Za-z0-9]+$/.test(value)) fail(`alphanumeric: letters and digits only, at most ${segment.length}`);
    return value.toUpperCase();
  }

  /** Sub-account codes by segment name (the pipeline's form) → by number (the agent's form), normalised. */
  costCenterCodes(byName: unknown, recordKey?: string): Record<string, string> {
    if (!byName || typeof byName !== 'object') throw new ConnectorRuntimeError('MLC_SINK_CODE_FORMAT', 'the cost center has no segment codes', recordKey ? { recordKey } : {});
    const given = byName as Record<string, unknown>;
    const codes: Record<string, string> = {};
    for (const segment of this.subSegments) codes[segment.segmentNo] = this.normalize(segment, given[segment.name], recordKey);
    for (const name of Object.keys(given)) this.byName(name, recordKey);
    return codes;
  }

  /** Codes by number → by name: how actual items are shown to the runtime. */
  namesOf(byNumber: Record<string, string>): Record<string, string> {
    const named: Record<string, string> = {};
    for (const segment of this.subSegments) named[segment.name] = byNumber[segment.segmentNo] ?? '';
    return named;
  }

  /** `10-WHS-01`: the cost center's codes in segment order, joined by the separator. */
  costCenterKey(byNumber: Record<string, string>): string {
    return this.subSegments.map((s) => byNumber[s.segmentNo] ?? '').join(this.separator);
  }

  /** `6000-10-WHS-01`: the formatted account, as the agent keys it. */
  accountKey(mainAccount: string, byNumber: Record<string, string>): string {
    return [mainAccount, this.costCenterKey(byNumber)].join(this.separator);
  }

  parseCostCenterKey(key: string): Record<string, string> {
    const parts = key.split(this.separator);
    const codes: Record<string, string> = {};
    this.subSegments.forEach((s, i) => (codes[s.segmentNo] = parts[i] ?? ''));
    return codes;
  }
}

/** `department:WHS` */
export function subAccountKey(segmentName: string, code: string): string {
  return `${segmentName}:${code}`;
}

export function parseSubAccountKey(key: string): { segment: string; code: string } {
  const at = key.indexOf(':');
  return { segment: key.slice(0, at), code: key.slice(at + 1) };
}

/** `10-WHS-01@2026-11` */
export function headcountKey(costCenter: string, period: string): string {
  return `${costCenter}@${period}`;
}

export function parseHeadcountKey(key: string): { costCenter: string; period: string } {
  const at = key.lastIndexOf('@');
  return { costCenter: key.slice(0, at), period: key.slice(at + 1) };
}
