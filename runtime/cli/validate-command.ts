import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { secretLocations } from '../secrets/locations.ts';
import { createSecretResolver } from '../secrets/resolver.ts';
import { isCheckedFile, validateFiles } from '../validate/validate-files.ts';
import { EXIT, UsageError, type Command } from './command.ts';
import { REPORT_FORMATS, renderReport, reportsValid, type ReportFormat } from './report.ts';
import { collectFiles } from './walk.ts';
import { parseCommandArgs } from './args.ts';
import { reportingCodedErrors } from './coded-errors.ts';

const USAGE = `Usage: ml-connector validate [paths...] [options]

Checks pipelines, mapping tables and JSONata files in named phases (parse, schema, references,
expressions, mappings, environment) and reports every problem with file:line:col.
Directories are walked for *.yaml, *.yml, *.csv and *.jsonata (default: pipelines/ if it exists, else .).

Options:
  --format text|json|github   output for people, programs, or GitHub Actions annotations (default text)
  --offline                   skip the environment phase (env vars and secrets need not exist here)
  --secrets-dir DIR           where secrets are files named after them (default $ML_CONNECTOR_SECRETS_DIR)
  --data DIR                  holds the encrypted secret store secrets.json (default $ML_CONNECTOR_DATA, else ./.ml-connector)

Exit codes: 0 valid, 1 invalid, 2 usage or internal error.
`;

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
        data: { type: 'string' },
      });
      const format = String(values.format) as ReportFormat;
      if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}; got '${format}'`);
      const defaults = existsSync(resolve(io.cwd, 'pipelines')) ? ['pipelines'] : ['.'];
      const paths = (positionals.length > 0 ? positionals : defaults).map((p) => resolve(io.cwd, p));
      const { files, missing, named } = await collectFiles(paths, isCheckedFile);
      if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
      if (files.length === 0) throw new UsageError(`no .yaml, .yml, .csv or .jsonata files under ${paths.join(', ')}`);
      const secretsDir = typeof values['secrets-dir'] === 'string' ? values['secrets-dir'] : io.env.ML_CONNECTOR_SECRETS_DIR;
      // One clear error, not a "secret is not stored" for every reference.
      if (secretsDir && !values.offline && !isDirectory(resolve(io.cwd, secretsDir))) {
        throw new UsageError(`${typeof values['secrets-dir'] === 'string' ? '--secrets-dir' : 'ML_CONNECTOR_SECRETS_DIR'} '${secretsDir}' is not a directory`);
      }
      let reports: Awaited<ReturnType<typeof validateFiles>> = [];
      const secrets = createSecretResolver(secretLocations(values, io));
      // A secret store that cannot be read (damaged) is reported as the coded error it is, exit 1.
      const failed = await reportingCodedErrors('validate', io, async () => {
        reports = await validateFiles(files, { registry, cwd: io.cwd, env: io.env, secrets, offline: values.offline === true }, named);
        return EXIT.ok;
      });
      if (failed !== EXIT.ok) return failed;
      if (!reports.some((r) => r.kind !== 'other')) {
        // Most likely a wrong path in a CI job: "ok: 0 files valid" would let it pass unnoticed.
        const skipped = reports.length > 0 ? ` (skipped: ${reports.map((r) => r.file).join(', ')})` : '';
        throw new UsageError(`nothing to check under ${positionals.length > 0 ? positionals.join(', ') : defaults.join(', ')}: no pipelines, mapping tables or JSONata files${skipped}; cases files are run by 'ml-connector test'`);
      }
      io.stdout(renderReport(reports, format));
      return reportsValid(reports) ? EXIT.ok : EXIT.invalid;
    },
  };
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
