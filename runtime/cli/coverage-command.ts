// `ml-connector coverage <pipeline>`: asks the pipeline's source which values its mapped fields can
// take today and compares them with the mapping tables (runtime/validate/coverage.ts). For CI next to
// `validate` and `test`: those read only the repository; this reads the live system, read-only.
import { isError, severityOf } from '../load/diagnostic.ts';
import { SECRET_LOCATION_OPTIONS } from '../secrets/locations.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { checkCoverage, type FieldCoverage } from '../validate/coverage.ts';
import { parseCommandArgs } from './args.ts';
import { EXIT, UsageError, type Command } from './command.ts';
import { loadSourceParts } from './open-source.ts';
import { formatDiagnosticGithub, formatDiagnosticText, REPORT_FORMATS, type ReportFormat } from './report.ts';
import { paint } from './colors.ts';

const USAGE = `Usage: ml-connector coverage PIPELINE.yaml [--format text|json|github]

Reads the values each mapped field can take today from the pipeline's source (its live option lists;
nothing is written) and compares them with the mapping tables the map steps use:
  - a live value with no row: an error when the step's onMissing is quarantine or fail (those
    records would be quarantined or stop the run), a warning for default or skip;
  - a row whose value no longer exists at the source: a warning.

Options:
  --format text|json|github   github prints annotations at the mapping file's line
  --data DIR, --secrets-dir DIR, --key-file FILE   where the source's secrets are

Exit codes: 0 every live value has a row, 1 a value would be quarantined (or the pipeline is invalid,
or the source could not be reached), 2 usage.
`;

function fieldLine(f: FieldCoverage): string {
  if (f.values === undefined) return `  ${f.step}: ${f.field} → ${f.table}: not checked (no option list)\n`;
  const gaps = f.unmapped.length === 0 ? 'every value has a row' : `${f.unmapped.length} without a row (${f.unmapped.join(', ')})`;
  const stale = f.staleRows.length === 0 ? '' : `; ${f.staleRows.length} row${f.staleRows.length === 1 ? '' : 's'} for values that no longer exist (${f.staleRows.join(', ')})`;
  return `  ${f.step}: ${f.field} → ${f.table}: ${f.values} live value${f.values === 1 ? '' : 's'}, ${gaps}${stale}\n`;
}

export function coverageCommand(registry: ConnectorRegistry): Command {
  return {
    name: 'coverage',
    summary: 'compare the values a source offers today with the mapping tables (unmapped values, stale rows)',
    usage: USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { format: { type: 'string', default: 'text' }, ...SECRET_LOCATION_OPTIONS });
      const format = String(values.format) as ReportFormat;
      if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format must be ${REPORT_FORMATS.join(', ')}, not '${values.format}'`);
      if (positionals.length !== 1) throw new UsageError('coverage takes one pipeline file');
      const parts = await loadSourceParts(positionals[0] as string, registry, io, values);
      if ('problems' in parts) {
        io.stderr(parts.problems);
        return EXIT.invalid;
      }
      const source = await parts.definition.create(parts.config, parts.context);
      try {
        const optionValues = source.optionValues?.bind(source) ?? (async () => undefined);
        const { fields, diagnostics } = await checkCoverage(parts.loaded, optionValues, { signal: io.stopSignal });
        const errors = diagnostics.filter(isError).length;
        const warnings = diagnostics.filter((d) => severityOf(d) === 'warning').length;
        if (format === 'json') {
          io.stdout(`${JSON.stringify({ ok: errors === 0, pipeline: parts.pipeline, fields, diagnostics: diagnostics.map((d) => ({ ...d, severity: severityOf(d) })) }, null, 2)}\n`);
        } else if (format === 'github') {
          io.stdout(diagnostics.map(formatDiagnosticGithub).join(''));
        } else {
          const color = paint(io.color === true);
          io.stdout(`coverage of ${parts.pipeline}:\n${fields.map(fieldLine).join('')}${diagnostics.map((d) => formatDiagnosticText(d, color)).join('')}`);
          io.stdout(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
        }
        return errors === 0 ? EXIT.ok : EXIT.invalid;
      } finally {
        await source.close?.();
      }
    },
  };
}
