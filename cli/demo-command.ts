// `ml-connector demo` (npm start). The live BambooHR → Sage 100 demo (sandbox, agent, engine) is not
// built yet; until it is, the demo says so plainly and shows what does work on the embedded example:
// validating the pipeline and running its mapping cases.
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from '../runtime/cli/args.ts';
import { EXIT, UsageError, type Command } from '../runtime/cli/command.ts';

const EXAMPLE_ROOT = fileURLToPath(new URL('..', import.meta.url));

export function demoCommand(validate: Command, test: Command): Command {
  return {
    name: 'demo',
    summary: 'run the embedded Keystone Building Supply example',
    usage: 'Usage: ml-connector demo\n\nValidates the embedded example pipeline and runs its mapping cases.\n',
    async run(args, io) {
      const { positionals } = parseCommandArgs(args, {});
      if (positionals.length > 0) throw new UsageError(`demo takes no arguments, got '${positionals[0]}'`);
      const here = { ...io, cwd: EXAMPLE_ROOT };
      io.stdout('ml-connector demo: Keystone Building Supply, BambooHR → Sage 100\n\n');
      io.stdout('Note: the live sync demo (BambooHR sandbox → pipeline → Sage 100 agent) is not built yet;\nthe connectors, the engine and serve exist; wiring them into this demo is the end-to-end issue. What runs today:\n\n');
      io.stdout('1. validate pipelines/ (offline: no credentials needed)\n');
      const validated = await validate.run(['--offline', 'pipelines'], here);
      io.stdout('\n2. test mappings/ (every mapping table and JSONata file against its cases)\n');
      const tested = await test.run(['mappings'], here);
      io.stdout(
        '\nThe stand-ins run on their own already:\n' +
          '  npx ml-connector sandbox bamboohr --port 8765 --tls         # BambooHR, seeded with Keystone\n' +
          '  npx ml-connector agent --backend sim --port 8443 --data .state/agent   # Sage 100 agent, company KBS\n',
      );
      return validated === EXIT.ok && tested === EXIT.ok ? EXIT.ok : EXIT.invalid;
    },
  };
}
