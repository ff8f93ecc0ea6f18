// The npm package `cargo xtask dist` writes into `dist/npm/`: `npm pack` makes the tarball, which installs
// offline into a scratch project; a page there loads the loader from `node_modules/consentry/` and the banner
// works (in French, with its language pack); the package's types compile in that project (bundler and Node
// resolution); the objects the widget really returns (`state()`, the events' `detail`) are what those
// types say; and the React hooks `consentry/react` resolve, render on the server in Node and type-check.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startWidgetServer } from './support/server.mjs';
import {
  DIST,
  ROOT,
  useEnvironment,
  bannerButton,
  eventually,
  events,
  expectNoPageErrors,
  waitForBanner,
  waitForChange,
  waitForWidget,
} from './support/harness.mjs';
import { baseConfig } from './support/config.mjs';

const env = useEnvironment();
const PACKAGE = path.join(DIST, 'npm');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const pkg = { scratch: null, tarball: null, installed: null, server: null };

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The tsc of package-lock.json, in `cwd`; fails the test with tsc's output. */
function typeCheck(cwd, project) {
  const run = spawnSync(process.execPath, [TSC, '--pretty', 'false', '-p', project], { cwd, encoding: 'utf8' });
  assert.equal(run.status, 0, `tsc -p ${project} failed in the scratch project:\n${run.stdout}${run.stderr}`);
}

/** The `version` of the `[package]` table of the workspace's Cargo.toml. */
function crateVersion() {
  const toml = readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
  return /^\[package\][^[]*?^version = "([^"]+)"/m.exec(toml)?.[1];
}

before(async () => {
  if (!existsSync(path.join(PACKAGE, 'package.json'))) {
    throw new Error(`${PACKAGE}/package.json is missing: \`cargo xtask dist\` writes the npm package there; run it first`);
  }
  pkg.scratch = mkdtempSync(path.join(tmpdir(), 'consentry-npm-'));
  const packed = JSON.parse(npm(['pack', PACKAGE, '--json', '--pack-destination', pkg.scratch], pkg.scratch));
  pkg.tarball = path.join(pkg.scratch, packed[0].filename);
  pkg.listed = packed[0].files.map((f) => f.path).sort();
  const project = path.join(pkg.scratch, 'site');
  execFileSync('mkdir', [project]);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'scratch-site', version: '1.0.0', private: true }));
  // The package has no dependencies, so the installation needs no registry.
  npm(['install', '--offline', '--no-audit', '--no-fund', pkg.tarball], project);
  pkg.project = project;
  pkg.installed = path.join(project, 'node_modules', 'consentry');
  pkg.server = await startWidgetServer(project);
});

after(async () => {
  await pkg.server?.close();
  if (pkg.scratch) rmSync(pkg.scratch, { recursive: true, force: true });
});

test('npm pack makes a tarball of the build, its snippets, types, schema, React hooks, README and package.json', () => {
  assert.ok(existsSync(pkg.tarball), pkg.tarball);
  const served = readdirSync(DIST).filter((f) => f.startsWith('consentry'));
  assert.ok(served.includes('consentry.js') && served.includes('consentry-signals.js'), served.join(', '));
  const expected = [
    ...served,
    'README.md',
    'consentry.config.schema.json',
    'package.json',
    'react/index.d.ts',
    'react/index.js',
    'snippet-signals.html',
    'snippet.html',
    'types/config.d.ts',
    'types/consentry.d.ts',
  ].sort();
  assert.deepEqual(pkg.listed, expected);
  // The installed copies are the build's files, byte for byte, and the repository's types and schema.
  for (const file of [...served, 'snippet.html', 'snippet-signals.html']) {
    assert.equal(sha256(path.join(pkg.installed, file)), sha256(path.join(DIST, file)), file);
  }
  assert.equal(sha256(path.join(pkg.installed, 'types/consentry.d.ts')), sha256(path.join(ROOT, 'types/consentry.d.ts')));
  assert.equal(sha256(path.join(pkg.installed, 'types/config.d.ts')), sha256(path.join(ROOT, 'types/config.d.ts')));
  for (const file of ['index.js', 'index.d.ts']) {
    assert.equal(sha256(path.join(pkg.installed, 'react', file)), sha256(path.join(ROOT, 'npm', 'react', file)), `react/${file}`);
  }
  assert.equal(
    sha256(path.join(pkg.installed, 'consentry.config.schema.json')),
    sha256(path.join(ROOT, 'schema/consentry.config.schema.json')),
  );
});

test('package.json: name, the crate version, license, types, and exports that resolve', () => {
  const manifest = JSON.parse(readFileSync(path.join(pkg.installed, 'package.json'), 'utf8'));
  assert.equal(manifest.name, 'consentry');
  assert.equal(manifest.version, crateVersion());
  assert.equal(manifest.license, 'MIT OR Apache-2.0');
  assert.equal(manifest.types, './types/consentry.d.ts');
  assert.deepEqual(manifest.exports['.'], { types: './types/consentry.d.ts' });
  assert.equal(manifest.dependencies, undefined);
  const require = createRequire(path.join(pkg.project, 'index.js'));
  for (const file of ['consentry.js', 'consentry-signals.js', 'consentry.config.schema.json', 'snippet.html']) {
    assert.equal(require.resolve(`consentry/${file}`), path.join(pkg.installed, file));
  }
  // The loader is a classic script for a <script> tag: there is nothing to import at run time but the hooks.
  assert.throws(() => require.resolve('consentry'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  assert.deepEqual(manifest.exports['./react'], { types: './react/index.d.ts', default: './react/index.js' });
  assert.deepEqual(manifest.peerDependencies, { react: '^19.0.0' });
  assert.deepEqual(manifest.peerDependenciesMeta, { react: { optional: true } });
  assert.equal(require.resolve('consentry/react'), path.join(pkg.installed, 'react', 'index.js'));
  assert.match(readFileSync(path.join(pkg.installed, 'README.md'), 'utf8'), /first in `<head>`/);
});

test('a page loads the loader from node_modules/consentry/: banner, state(), a decision', async (t) => {
  const base = `${pkg.server.origin}/node_modules/consentry/`;
  const tags = readFileSync(path.join(pkg.installed, 'snippet.html'), 'utf8')
    .trim()
    .replace(/(href|src)="([^"]+)"/g, (_, attr, file) => `${attr}="${base}${file}"`);
  const config = baseConfig();
  const url = env.route(
    '/npm/page.html',
    `<!doctype html><html lang="fr"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>npm</title>
<script type="application/json" id="consentry-config">${JSON.stringify(config)}</script>
${tags}
</head><body><main><h1>Installé depuis npm</h1></main></body></html>`,
  );
  const context = await env.context(t);
  const page = await env.page(context);
  await page.goto(url);
  assert.equal(await waitForWidget(page), 'consentry:ready', JSON.stringify(page.consoleMessages));
  await waitForBanner(page);
  const first = await page.evaluate(() => window.consentry.state());
  assert.equal(first.decided, false);
  assert.equal(first.policyVersion, config.policy_version);
  assert.equal(first.language, 'fr');
  assert.equal(await page.evaluate(() => window.consentry.get('analytics')), false);

  await bannerButton(page, 'accept-all').click();
  const change = await waitForChange(page);
  assert.equal(change.detail.source, 'banner');
  assert.equal(await page.evaluate(() => window.consentry.get('analytics')), true);
  // Wait for the receipt, so that `receipts.latest` is an object in the shapes compared below.
  const state = await eventually(() => page.evaluate(() => window.consentry.state()).then((s) => s.receipts.latest && s), {
    timeout: 10_000,
    message: 'the receipt of the decision',
  });
  assert.equal(state.decided, true);
  const served = pkg.server.log.map((r) => r.path);
  assert.ok(served.includes('/node_modules/consentry/consentry.js'), served.join(', '));
  // A French page fetches its language pack, which the package holds beside the module.
  assert.ok(served.some((p) => /^\/node_modules\/consentry\/consentry-lang-fr-[0-9a-f]{16}\.json$/.test(p)), served.join(', '));
  expectNoPageErrors(page);

  // A refused configuration, for the shape of `consentry:error`.
  const refused = baseConfig();
  delete refused.controller;
  const badUrl = env.route(
    '/npm/refused.html',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>npm</title>
<script type="application/json" id="consentry-config">${JSON.stringify(refused)}</script>
${tags}
</head><body></body></html>`,
  );
  const other = await env.page(await env.context(t));
  await other.goto(badUrl);
  assert.equal(await waitForWidget(other), 'consentry:error');
  const [error] = await events(other, 'consentry:error');

  const ready = (await events(page, 'consentry:ready'))[0];
  pkg.shapes = { state, change: change.detail, error: error.detail, ready: ready.detail, config };
});

test('the package types compile in the scratch project and match what the widget returns', () => {
  assert.ok(pkg.shapes, 'needs the page test above');
  const { state, change, error, ready, config } = pkg.shapes;
  // Object literals: an extra member the types do not know, or a missing one, is an error.
  writeFileSync(
    path.join(pkg.project, 'shapes.ts'),
    `import type { ConsentryChangeDetail, ConsentryConfig, ConsentryErrorDetail, ConsentryState } from 'consentry';
export const state: ConsentryState = ${JSON.stringify(state, null, 2)};
export const change: ConsentryChangeDetail = ${JSON.stringify(change, null, 2)};
export const error: ConsentryErrorDetail = ${JSON.stringify(error, null, 2)};
export const ready: DocumentEventMap['consentry:ready']['detail'] = ${JSON.stringify(ready)};
export const config: ConsentryConfig = ${JSON.stringify(config, null, 2)};
`,
  );
  writeFileSync(
    path.join(pkg.project, 'page.ts'),
    `import type { ConsentryConfig } from 'consentry';
export const policy: ConsentryConfig['policy_version'] = '1';
document.addEventListener('consentry:change', (e) => console.log(e.detail.purposes['analytics']));
window.consentry.whenReady((api) => console.log(api.state().decided, window.consentry.get('analytics/matomo')));
`,
  );
  const common = { strict: true, noEmit: true, target: 'es2022', lib: ['es2022', 'dom'], types: [] };
  const projects = {
    'tsconfig.bundler.json': { ...common, module: 'esnext', moduleResolution: 'bundler' },
    'tsconfig.node.json': { ...common, module: 'nodenext', moduleResolution: 'nodenext' },
  };
  for (const [file, compilerOptions] of Object.entries(projects)) {
    writeFileSync(path.join(pkg.project, file), JSON.stringify({ compilerOptions, files: ['shapes.ts', 'page.ts'] }));
    typeCheck(pkg.project, file);
  }
  // A script that only names the package in tsconfig's "types" gets the globals too.
  writeFileSync(path.join(pkg.project, 'global.ts'), 'export const on: boolean = window.consentry.get("analytics");\n');
  writeFileSync(
    path.join(pkg.project, 'tsconfig.global.json'),
    JSON.stringify({ compilerOptions: { ...common, module: 'esnext', moduleResolution: 'bundler', types: ['consentry'] }, files: ['global.ts'] }),
  );
  typeCheck(pkg.project, 'tsconfig.global.json');
});

test('consentry/react from the installed package: imported by Node, rendered on the server, typed', async () => {
  // The project's React (package-lock.json), linked in as the site's own `react`: the package brings none.
  symlinkSync(path.join(ROOT, 'node_modules', 'react'), path.join(pkg.project, 'node_modules', 'react'), 'dir');
  const hooks = await import(pathToFileURL(path.join(pkg.installed, 'react', 'index.js')).href);
  assert.deepEqual(Object.keys(hooks).sort(), ['useConsent', 'useConsentState']);
  const require = createRequire(path.join(ROOT, 'package.json'));
  const { createElement } = require('react');
  const { renderToString } = require('react-dom/server');
  // No window here: the server snapshots answer "not granted" and null.
  const Probe = () => createElement('p', null, `${hooks.useConsent('analytics')} ${hooks.useConsentState()}`);
  assert.equal(renderToString(createElement(Probe)), '<p>false null</p>');

  writeFileSync(
    path.join(pkg.project, 'hooks.ts'),
    `import type { ConsentryState } from 'consentry';
import { useConsent, useConsentState } from 'consentry/react';
export const on: boolean = useConsent('analytics/matomo');
export const state: ConsentryState | null = useConsentState();
`,
  );
  const common = { strict: true, noEmit: true, target: 'es2022', lib: ['es2022', 'dom'], types: [] };
  const projects = {
    'tsconfig.hooks-bundler.json': { ...common, module: 'esnext', moduleResolution: 'bundler' },
    'tsconfig.hooks-node.json': { ...common, module: 'nodenext', moduleResolution: 'nodenext' },
  };
  for (const [file, compilerOptions] of Object.entries(projects)) {
    writeFileSync(path.join(pkg.project, file), JSON.stringify({ compilerOptions, files: ['hooks.ts'] }));
    typeCheck(pkg.project, file);
  }
});
