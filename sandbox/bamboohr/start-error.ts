// A reason the sandbox refuses to start that the user can fix; the CLI prints it without a stack.
export class SandboxStartError extends Error {
  override readonly name = 'SandboxStartError';

  constructor(message: string, readonly fix: string) {
    super(`${message} (${fix})`);
  }
}
