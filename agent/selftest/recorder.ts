// Records every COM call the selftest makes (object, member, arguments, what came back and its JS
// type) so the run can be sent to support and replayed against the simulator (replay.ts). It wraps
// any ComRuntime, real (winax) or fake, with Proxies; the Sage password is never recorded.
import { comTypeOf, comValue } from '../backends/boi/com-value.ts';
import type { ByRef, ComRuntime, PvxScript } from '../backends/boi/com.ts';

export interface RecordedValue {
  type: string;
  value?: string | number | boolean;
}

export interface RecordedCall {
  seq: number;
  /** A property read or a method call. */
  kind: 'get' | 'call';
  /** `script#1`, `session#2`, `GL_Account_bus#5` */
  object: string;
  member: string;
  args: Array<string | number | { byRef: RecordedValue } | { object: string } | null>;
  /** What came back: for NewObject, `{ type: 'object', value: 'GL_Account_bus#5' }` or `{ type: 'null' }`. */
  result?: RecordedValue;
  /** The by-ref argument's value after the call (nGetValue). */
  byRef?: RecordedValue;
  threw?: string;
}

const MAX_TEXT = 200;

function record(value: unknown): RecordedValue {
  const primitive = comValue(value);
  const text = typeof primitive === 'string' && primitive.length > MAX_TEXT ? `${primitive.slice(0, MAX_TEXT)}…` : primitive;
  return { type: comTypeOf(value), ...(text === undefined ? {} : { value: text }) };
}

export class ComRecorder {
  readonly calls: RecordedCall[] = [];
  private ids = 0;
  private readonly names = new WeakMap<object, string>();
  private readonly refs = new WeakMap<object, ByRef>();
  /** Proxy → the object it wraps, so a proxied session passed back into COM arrives as itself. */
  private readonly unwrapped = new WeakMap<object, object>();

  constructor(private readonly inner: ComRuntime) {}

  runtime(): ComRuntime {
    return {
      createScript: () => this.wrap(this.inner.createScript(), 'script') as PvxScript,
      byRef: (initial) => {
        const ref = this.inner.byRef(initial);
        this.refs.set(ref, ref);
        return ref;
      },
      readByRef: (ref) => this.inner.readByRef(ref),
    };
  }

  private wrap(target: object, kind: string): object {
    const name = `${kind}#${++this.ids}`;
    const proxy = new Proxy(target, {
      get: (obj, member) => {
        if (typeof member !== 'string') return Reflect.get(obj, member, obj);
        const value = Reflect.get(obj, member, obj) as unknown;
        if (typeof value !== 'function') {
            this.calls.push({ seq: this.calls.length + 1, kind: 'get', object: name, member, args: [], result: record(value) });
          return value;
        }
        return (...args: unknown[]) => this.call(obj, name, member, value as (...a: unknown[]) => unknown, args);
      },
    });
    this.names.set(proxy, name);
    return proxy;
  }

  private call(obj: object, name: string, member: string, fn: (...a: unknown[]) => unknown, args: unknown[]): unknown {
    const entry: RecordedCall = { seq: this.calls.length + 1, kind: 'call', object: name, member, args: args.map((a, i) => this.arg(member, i, a)) };
    this.calls.push(entry);
    const real = args.map((a) => (a !== null && typeof a === 'object' && this.names.has(a) ? this.unwrapped.get(a) ?? a : a));
    try {
      const result = fn.apply(obj, real);
      if (member === 'NewObject' && result !== null && typeof result === 'object') {
        const wrapped = this.wrap(result, String(args[0] === 'SY_Session' ? 'session' : args[0]));
        this.unwrapped.set(wrapped, result);
        entry.result = { type: 'object', value: this.names.get(wrapped) ?? '' };
        return wrapped;
      }
      entry.result = record(result);
      const ref = args.find((a) => a !== null && typeof a === 'object' && this.refs.has(a)) as ByRef | undefined;
      if (ref) entry.byRef = record(this.inner.readByRef(ref));
      return result;
    } catch (error) {
      entry.threw = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  private arg(member: string, index: number, value: unknown): RecordedCall['args'][number] {
    if (member === 'nSetUser' && index === 1) return '(password not recorded)';
    if (value === null || value === undefined) return null;
    if (typeof value === 'string' || typeof value === 'number') return value;
    if (typeof value === 'object' && this.refs.has(value)) return { byRef: record(this.inner.readByRef(value as ByRef)) };
    if (typeof value === 'object' && this.names.has(value)) return { object: this.names.get(value) ?? '' };
    return String(value);
  }
}
