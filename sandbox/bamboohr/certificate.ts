import { generateSelfSigned, type SelfSignedPair } from '../../runtime/lib/self-signed.ts';

/** A self-signed certificate for every address form the sandbox answers on loopback. */
export function generateSandboxCertificate(): Promise<SelfSignedPair> {
  return generateSelfSigned('bamboohr-sandbox', ['localhost', '*.bamboohr.localhost', '*.localhost', '127.0.0.1']);
}
