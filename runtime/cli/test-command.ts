import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { runCasesFile, type CasesFileResult } from '../cases/run-cases.ts';
import { rosterOutputChecks } from '../cases/roster-output-check.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { IsolatedEvaluator } from '../lib/jsonata-isolated.ts';
import { isCasesFile } from '../validate/validate-files.ts';
import { parseCommandArgs } from './args.ts';
import { EXIT, UsageError, type Command } from './command.ts';
import { CASES_FORMATS, casesFailed, renderCases, type CasesFormat } from './cases-report.ts';
import { collectFiles } from './walk.ts';

const USAGE = `Usage: ml-connector test [paths...] [options]

Runs the cases files (X.cases.yaml) beside mapping tables and JSONata files: each case gives an
input and the expected output. Prints a diff for each failing case and the mapping rows that no
case exercised. Directories are walked (default: mappings/ if it exists, else .).

Options:
  --format text|json|github|junit
                       for people (default), programs, GitHub Actions annotations, or a JUnit XML
                       report for CI test tabs (failing cases are MLC_CASES_FAILED in all four)

Exit codes: 0 all cases pass, 1 a case failed or a cases file is invalid, 2 usage mistake, 3 internal error.
`;

/** With a registry, aggregate cases are also checked against the sinks of the pipelines in pipelines/. */
export function testCommand(registry?: ConnectorRegistry): Command {
  return {
    name: 'test',
    summary: 'run the input → expected cases of mapping tables and JSONata files',
    usage: USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { format: { type: 'string', default: 'text' } });
      const format = String(values.format) as CasesFormat;
      if (!CASES_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${CASES_FORMATS.join(', ')}; got '${format}'`);
      const defaults = existsSync(resolve(io.cwd, 'mappings')) ? ['mappings'] : ['.'];
      const paths = (positionals.length > 0 ? positionals : defaults).map((p) => resolve(io.cwd, p));
      const { files, missing } = await collectFiles(paths, (name) => isCasesFile(name) || /\.(ya?ml|csv|jsonata)$/.test(name));
      if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
      const casesFiles = files.filter(isCasesFile);
      if (casesFiles.length === 0) throw new UsageError(`no *.cases.yaml files under ${paths.map((p) => relative(io.cwd, p) || '.').join(', ')}`);
      const results: CasesFileResult[] = [];
      const evaluator = new IsolatedEvaluator();
      try {
        const checks = registry ? rosterOutputChecks(registry, [resolve(io.cwd, 'pipelines')]) : undefined;
        for (const file of casesFiles) results.push(await runCasesFile(file, io.cwd, evaluator, checks));
      } finally {
        await evaluator.close();
      }
      const subjects = new Set(results.map((r) => r.subject));
      const untested = files.filter((f) => !isCasesFile(f)).map((f) => relative(io.cwd, f) || f).filter((f) => !subjects.has(f) && (f.endsWith('.jsonata') || /^mappings\//.test(f)));
      io.stdout(renderCases({ results, untested }, format, io.color === true));
      return casesFailed({ results, untested }) ? EXIT.invalid : EXIT.ok;
    },
  };
}
