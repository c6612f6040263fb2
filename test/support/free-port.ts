// Tests use the product's own helper (runtime/util/free-port.ts).
export { freePort } from '../../runtime/util/free-port.ts';
