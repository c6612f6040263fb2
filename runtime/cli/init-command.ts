// `ml-connector init [dir]`: scaffolds an integrator's repository from a template folder: pipelines,
// mapping tables with cases, a CI workflow that runs validate and test, a .gitignore for state and
// secrets, and a package.json that pins the CLI. Existing files are never overwritten.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from './args.ts';
import { EXIT, UsageError, type Command } from './command.ts';

const USAGE = `Usage: ml-connector init [dir]

Scaffolds a repository for pipelines in dir (default: the current directory):
  pipelines/example.yaml                      a pipeline to start from
  mappings/departments.yaml (+ .cases.yaml)   a mapping table and its cases
  .github/workflows/ml-connector.yml          CI: validate and test on every pull request
  .gitignore                                  keeps run-time state and secrets out of git
  package.json                                pins ml-connector as a dev dependency (if there is none)
Files that already exist are kept as they are.
`;

/** npm never ships files named .gitignore and tools skip dot-folders, so templates store them undotted. */
const DOTTED = new Map([
  ['gitignore', '.gitignore'],
  ['github', '.github'],
]);

function templateFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? templateFiles(root, join(dir, e.name)) : [relative(root, join(dir, e.name))]));
}

function targetName(templatePath: string): string {
  const [head = '', ...rest] = templatePath.split(/[\\/]/);
  return join(DOTTED.get(head) ?? head, ...rest);
}

function packageJson(name: string, program: { name: string; version: string }): string {
  const manifest = {
    name,
    private: true,
    scripts: { validate: `${program.name} validate --offline`, test: `${program.name} test` },
    devDependencies: { [program.name]: `^${program.version}` },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function initCommand(program: { name: string; version: string }, templateDir: URL): Command {
  return {
    name: 'init',
    summary: "scaffold an integrator's repository: pipelines, mappings with cases, CI workflow",
    usage: USAGE,
    async run(args, io) {
      const { positionals } = parseCommandArgs(args, {});
      if (positionals.length > 1) throw new UsageError(`init takes one directory, got ${positionals.length}: ${positionals.join(' ')}`);
      const target = resolve(io.cwd, positionals[0] ?? '.');
      if (existsSync(target) && !statSync(target).isDirectory()) throw new UsageError(`${positionals[0]} exists and is not a directory`);
      const root = fileURLToPath(templateDir);
      const written: string[] = [];
      const kept: string[] = [];
      const write = (name: string, text: string): void => {
        const path = join(target, name);
        if (existsSync(path)) return void kept.push(name);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
        written.push(name);
      };
      for (const file of templateFiles(root)) write(targetName(file), readFileSync(join(root, file), 'utf8'));
      const slug = target.split(/[\\/]/).pop()?.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'pipelines';
      write('package.json', packageJson(slug, program));
      const shown = positionals[0] ?? '.';
      io.stdout(`${written.map((f) => `created ${join(shown, f)}\n`).join('')}${kept.map((f) => `kept    ${join(shown, f)} (exists)\n`).join('')}`);
      io.stdout(`\nNext: cd ${shown} && npm install (commit package-lock.json), then\n  npx ${program.name} validate --offline && npx ${program.name} test\n`);
      if (kept.includes('package.json')) io.stdout(`Your package.json was kept: add the CLI with 'npm install --save-dev ${program.name}'.\n`);
      return EXIT.ok;
    },
  };
}
