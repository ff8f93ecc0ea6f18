// The TypeScript types of types/ (shipped in the npm package): the configuration types are what the
// generator makes of the JSON Schema, a sample page script compiles with `tsc --strict`, the wrong usages of
// tests/types/errors.ts fail exactly where they are marked, README's complete configuration is a
// `ConsentryConfig` and its TypeScript example compiles. Needs no build and no browser; TypeScript comes
// from package-lock.json.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '../../types/generate.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TYPES_DIR = path.join(ROOT, 'tests', 'types');

/** Runs the pinned tsc with `args`; returns its exit status and output. */
function tsc(args, cwd = ROOT) {
  if (!existsSync(TSC)) throw new Error(`${TSC} is missing: run \`cargo xtask setup\` (typescript is in package-lock.json)`);
  const run = spawnSync(process.execPath, [TSC, '--pretty', 'false', ...args], { cwd, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** `file(line,col): error TSxxxx: …` lines of tsc's output, as `{ file, line, text }`. */
function errors(output) {
  return [...output.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+: .*)$/gm)].map((m) => ({
    file: path.basename(m[1]),
    line: Number(m[2]),
    text: m[3],
  }));
}

test('types/config.d.ts is what the generator makes of the JSON Schema', () => {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'types', 'generate.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
});

test('the generator refuses schema keywords it does not understand instead of guessing', () => {
  const schema = { type: 'object', properties: { a: { patternProperties: { '^x': { type: 'string' } } } } };
  assert.throws(() => generate(JSON.stringify(schema)), /#\/properties\/a: unsupported keyword "patternProperties"/);
  assert.throws(() => generate(JSON.stringify({ properties: { a: { $ref: 'other.json' } } })), /unsupported \$ref other\.json/);
  const def = { type: 'object', properties: {}, $defs: { a: { type: 'object', properties: {}, dependentRequired: {} } } };
  assert.throws(() => generate(JSON.stringify(def)), /#\/\$defs\/a: unsupported keyword "dependentRequired"/);
});

test('a sample page script compiles with tsc --strict, and every marked wrong usage is an error', () => {
  const { status, output } = tsc(['--strict', '--noEmit', '-p', path.join(TYPES_DIR, 'tsconfig.json')]);
  assert.equal(status, 0, `tsc --strict failed on tests/types:\n${output}`);
});

test('each wrong usage of tests/types/errors.ts and react.ts fails on its own line; README\'s configuration and example type-check', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'consentry-types-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  // errors.ts and react.ts without their `@ts-expect-error` marks: each marked line must fail, and nothing else.
  const unmark = (file) => {
    const lines = readFileSync(path.join(TYPES_DIR, file), 'utf8').split('\n');
    const marked = new Set();
    const unmarked = lines.map((line, i) => {
      if (!/^\s*\/\/ @ts-expect-error /.test(line)) return line;
      marked.add(i + 2); // 1-based number of the line after the mark
      return '// (mark removed)';
    });
    writeFileSync(path.join(dir, file), unmarked.join('\n'));
    return { lines, marked };
  };
  const { lines, marked } = unmark('errors.ts');
  assert.ok(marked.size >= 10, `expected the negative checks in tests/types/errors.ts, found ${marked.size}`);
  const react = unmark('react.ts');
  assert.ok(react.marked.size >= 4, `expected the negative checks in tests/types/react.ts, found ${react.marked.size}`);

  // README "A complete configuration", as a site owner would paste it into a typed file.
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('\n### A complete configuration\n')[1];
  const json = section && /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
  assert.ok(json, 'README.md has no ```json block under "### A complete configuration"');
  writeFileSync(
    path.join(dir, 'readme.ts'),
    `import type { ConsentryConfig } from 'consentry';\nexport const config: ConsentryConfig = ${json};\n`,
  );
  // README "npm and TypeScript": its example compiles (with the function it calls declared).
  const npmSection = readme.split('\n### npm and TypeScript\n')[1];
  const example = npmSection && /```ts\n([\s\S]*?)\n```/.exec(npmSection)?.[1];
  assert.ok(example, 'README.md has no ```ts block under "### npm and TypeScript"');
  writeFileSync(path.join(dir, 'readme-npm.ts'), `declare function startMatomo(): void;\n${example}\n`);
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ extends: path.join(TYPES_DIR, 'tsconfig.json'), files: ['errors.ts', 'react.ts', 'readme.ts', 'readme-npm.ts'] }),
  );

  const { output } = tsc(['--strict', '--noEmit', '-p', path.join(dir, 'tsconfig.json')]);
  const found = errors(output);
  assert.ok(found.length > 0 || output.trim() === '', `unexpected tsc output:\n${output}`);
  assert.deepEqual(found.filter((e) => e.file === 'readme.ts'), [], 'README\'s complete configuration is not a ConsentryConfig');
  assert.deepEqual(found.filter((e) => e.file === 'readme-npm.ts'), [], 'README\'s TypeScript example does not compile');
  const inErrors = found.filter((e) => e.file === 'errors.ts');
  const stray = inErrors.filter((e) => !marked.has(e.line));
  assert.deepEqual(stray, [], 'errors.ts has errors on lines that are not marked @ts-expect-error');
  const missed = [...marked].filter((line) => !inErrors.some((e) => e.line === line));
  assert.deepEqual(missed, [], `these marked lines compile without error:\n${missed.map((l) => `${l}: ${lines[l - 1]}`).join('\n')}`);
  const inReact = found.filter((e) => e.file === 'react.ts');
  assert.deepEqual(inReact.filter((e) => !react.marked.has(e.line)), [], 'react.ts has errors on lines that are not marked');
  const missedReact = [...react.marked].filter((line) => !inReact.some((e) => e.line === line));
  assert.deepEqual(missedReact.map((l) => react.lines[l - 1]), [], 'these marked lines of react.ts compile without error');
});

test('the pinned TypeScript runs', () => {
  const version = execFileSync(process.execPath, [TSC, '--version'], { encoding: 'utf8' });
  const locked = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).packages['node_modules/typescript'].version;
  assert.match(version, new RegExp(`Version ${locked.replace(/\./g, '\\.')}\\b`));
});
