import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { isError, severityOf } from '../load/diagnostic.ts';
import { secretLocations } from '../secrets/locations.ts';
import { createSecretResolver } from '../secrets/resolver.ts';
import { isCheckedFile, validateFiles, type FileReport } from '../validate/validate-files.ts';
import { EXIT, UsageError, type Command } from './command.ts';
import { displayName, resolveInputPaths, type InputPaths } from './input-paths.ts';
import { REPORT_FORMATS, renderReport, reportsValid, type ReportFormat } from './report.ts';
import { collectFiles } from './walk.ts';
import { parseCommandArgs } from './args.ts';

const USAGE = `Usage: ml-connector validate [paths...] [options]

Checks pipelines, mapping tables and JSONata files in named phases (parse, schema, references,
expressions, mappings, environment) and reports every problem with file:line:col.
Directories are walked for *.yaml, *.yml, *.csv and *.jsonata (default: pipelines/ if it exists, else .).
A path may be a quoted glob ('pipelines/**/*.yaml'), or - to read one pipeline from standard input
(its references resolve from the current directory).

Options:
  --format text|json|github   output for people, programs, or GitHub Actions annotations (default text)
  --offline                   skip the environment phase (env vars and secrets need not exist here)
  --secrets-dir DIR           where secrets are files named after them (default $ML_CONNECTOR_SECRETS_DIR)
  --quiet                     report errors only, and print nothing when there are none
  --max-warnings N            fail (exit 1) when there are more than N warnings
  --data DIR                  holds the encrypted secret store secrets.json (default $ML_CONNECTOR_DATA, else ./.ml-connector)

Output is coloured on a terminal; NO_COLOR=1 turns colour off, FORCE_COLOR=1 on.
Exit codes: 0 valid, 1 invalid, 2 usage mistake, 3 internal error.
`;

function maxWarningsArg(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--max-warnings needs a whole number, got '${value}'`);
  return Number(value);
}

/** Shows standard input as <stdin> wherever a report names the file it was saved to. */
function renameStdin(reports: FileReport[], inputs: InputPaths, cwd: string): FileReport[] {
  if (!inputs.stdinFile) return reports;
  return reports.map((r) => ({ ...r, file: displayName(r.file, inputs, cwd), diagnostics: r.diagnostics.map((d) => ({ ...d, file: displayName(d.file, inputs, cwd) })) }));
}

export function validateCommand(registry: ConnectorRegistry): Command {
  return {
    name: 'validate',
    summary: 'check pipelines, mapping tables and JSONata files (for CI)',
    usage: USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, {
        format: { type: 'string', default: 'text' },
        offline: { type: 'boolean', default: false },
        'secrets-dir': { type: 'string' },
        quiet: { type: 'boolean', default: false },
        'max-warnings': { type: 'string' },
        data: { type: 'string' },
      });
      const format = String(values.format) as ReportFormat;
      if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}; got '${format}'`);
      const maxWarnings = maxWarningsArg(values['max-warnings']);
      const defaults = existsSync(resolve(io.cwd, 'pipelines')) ? ['pipelines'] : ['.'];
      const inputs = await resolveInputPaths(positionals.length > 0 ? positionals : defaults, io);
      try {
        const collected = await collectFiles(inputs.paths, isCheckedFile);
        if (collected.missing.length > 0) throw new UsageError(`no such file or directory: ${collected.missing.join(', ')}`);
        const files = collected.files.filter((f) => !inputs.globbed.has(f) || isCheckedFile(f));
        if (files.length === 0) throw new UsageError(`no .yaml, .yml, .csv or .jsonata files under ${positionals.length > 0 ? positionals.join(', ') : defaults.join(', ')}`);
        const named = new Set([...collected.named].filter((f) => !inputs.globbed.has(f)));
        const secretsDir = typeof values['secrets-dir'] === 'string' ? values['secrets-dir'] : io.env.ML_CONNECTOR_SECRETS_DIR;
        // One clear error, not a "secret is not stored" for every reference.
        if (secretsDir && !values.offline && !isDirectory(resolve(io.cwd, secretsDir))) {
          throw new UsageError(`${typeof values['secrets-dir'] === 'string' ? '--secrets-dir' : 'ML_CONNECTOR_SECRETS_DIR'} '${secretsDir}' is not a directory`);
        }
        // A secret store that cannot be read (damaged) throws its coded error: dispatch shows it, exit 1.
        const secrets = createSecretResolver(secretLocations(values, io));
        const reports = renameStdin(await validateFiles(files, { registry, cwd: io.cwd, env: io.env, secrets, offline: values.offline === true }, named), inputs, io.cwd);
        if (!reports.some((r) => r.kind !== 'other')) {
          // Most likely a wrong path in a CI job: "ok: 0 files valid" would let it pass unnoticed.
          const skipped = reports.length > 0 ? ` (skipped: ${reports.map((r) => r.file).join(', ')})` : '';
          throw new UsageError(`nothing to check under ${positionals.length > 0 ? positionals.join(', ') : defaults.join(', ')}: no pipelines, mapping tables or JSONata files${skipped}; cases files are run by 'ml-connector test'`);
        }
        const warnings = reports.reduce((n, r) => n + r.diagnostics.filter((d) => severityOf(d) === 'warning').length, 0);
        const shown = values.quiet ? reports.map((r) => ({ ...r, diagnostics: r.diagnostics.filter(isError) })) : reports;
        const valid = reportsValid(reports);
        if (!(values.quiet && valid && format !== 'json')) io.stdout(renderReport(shown, format, { color: io.color === true }));
        if (maxWarnings !== undefined && warnings > maxWarnings) {
          io.stderr(`too many warnings: ${warnings}, and --max-warnings allows ${maxWarnings}\n`);
          return EXIT.invalid;
        }
        return valid ? EXIT.ok : EXIT.invalid;
      } finally {
        await inputs.cleanup();
      }
    },
  };
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
