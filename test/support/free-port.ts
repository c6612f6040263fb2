// The helper lives beside the demo, which needs it too.
export { freePort } from '../../cli/demo/free-port.ts';
