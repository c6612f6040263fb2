// A reason the agent refuses to start that the operator can fix (unsafe file modes, a malformed
// keys file, a missing folder). The CLI prints the message and the fix without a stack trace.

export class AgentStartupError extends Error {
  override readonly name = 'AgentStartupError';

  /** `fix`: the command or step that resolves it, shown on its own line. */
  constructor(message: string, readonly fix: string) {
    super(message);
  }

  /** What the CLI prints. */
  describe(): string {
    return `${this.message}\n  fix: ${this.fix}`;
  }
}
