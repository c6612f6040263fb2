import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { runCasesFile, type CasesFileResult } from '../cases/run-cases.ts';
import { rosterOutputChecks } from '../cases/roster-output-check.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { IsolatedEvaluator } from '../lib/jsonata-isolated.ts';
import { isCasesFile } from '../validate/validate-files.ts';
import { parseCommandArgs } from './args.ts';
import { EXIT, UsageError, type Command } from './command.ts';
import { formatDiagnosticText } from './report.ts';
import { collectFiles } from './walk.ts';

const USAGE = `Usage: ml-connector test [paths...] [options]

Runs the cases files (X.cases.yaml) beside mapping tables and JSONata files: each case gives an
input and the expected output. Prints a diff for each failing case and the mapping rows that no
case exercised. Directories are walked (default: mappings/ if it exists, else .).

Options:
  --format text|json   (default text)

Exit codes: 0 all cases pass, 1 a case failed or a cases file is invalid, 2 usage or internal error.
`;

function renderText(results: readonly CasesFileResult[], untested: readonly string[]): string {
  let out = '';
  let passed = 0;
  let failed = 0;
  for (const result of results) {
    for (const d of result.diagnostics) out += formatDiagnosticText(d);
    const ok = result.results.filter((r) => r.passed).length;
    const bad = result.results.length - ok;
    passed += ok;
    failed += bad + (result.diagnostics.length > 0 ? 1 : 0);
    out += `${bad === 0 && result.diagnostics.length === 0 ? 'ok  ' : 'FAIL'} ${result.file}${result.subject ? ` → ${result.subject}` : ''}: ${ok} passed, ${bad} failed\n`;
    for (const r of result.results.filter((x) => !x.passed)) {
      out += `  ✗ ${r.name} (${result.file}:${r.line})\n${(r.detail ?? '').replace(/^/gm, '      ')}\n`;
    }
    if (result.unexercisedRows.length > 0) out += `  rows no case exercised: ${result.unexercisedRows.join(', ')}\n`;
  }
  for (const file of untested) out += `note: ${file} has no cases file\n`;
  out += `cases: ${passed} passed, ${failed} failed\n`;
  return out;
}

/** With a registry, aggregate cases are also checked against the sinks of the pipelines in pipelines/. */
export function testCommand(registry?: ConnectorRegistry): Command {
  return {
    name: 'test',
    summary: 'run the input → expected cases of mapping tables and JSONata files',
    usage: USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { format: { type: 'string', default: 'text' } });
      if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json; got '${String(values.format)}'`);
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
      const failed = results.some((r) => r.diagnostics.length > 0 || r.results.some((c) => !c.passed));
      io.stdout(values.format === 'json' ? `${JSON.stringify({ passed: !failed, files: results, untested }, null, 2)}\n` : renderText(results, untested));
      return failed ? EXIT.invalid : EXIT.ok;
    },
  };
}
