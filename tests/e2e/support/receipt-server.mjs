// The real receipt server for the end-to-end tests that need one (`server`, `report`, `dashboard`):
// the `consentry-server` binary (`cargo build -p consentry-server`, which `cargo xtask test` runs, or
// CONSENTRY_SERVER_BIN), serving a fresh SQLite database on a free loopback port.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, eventually } from './harness.mjs';

/** The server binary the tests run (and its commands: `verify`, `notices`, `report` …). */
export const SERVER_BIN = process.env.CONSENTRY_SERVER_BIN ?? path.join(ROOT, 'target', 'debug', 'consentry-server');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `consentry-server serve` with admin token `token`, allowing `allowOrigin`, on a database in a new
 * temporary directory named after `name`; resolves once it answers /healthz. The result has `base` (its
 * URL), `database`, `dir`, `output` (what it printed so far) and `stop()`, which ends it and removes `dir`.
 */
export async function startReceiptServer({ token, allowOrigin, name }) {
  if (!existsSync(SERVER_BIN)) {
    throw new Error(`the receipt server binary is missing at ${SERVER_BIN}: run \`cargo build -p consentry-server\` (or set CONSENTRY_SERVER_BIN)`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), `consentry-e2e-${name}-`));
  const database = `sqlite:${path.join(dir, 'receipts.db')}`;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(SERVER_BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--database', database, '--allow-origin', allowOrigin], {
    env: { ...process.env, CONSENTRY_ADMIN_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = {
    base,
    database,
    dir,
    output: '',
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  child.stdout.on('data', (d) => (server.output += d));
  child.stderr.on('data', (d) => (server.output += d));
  await eventually(async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok, {
    timeout: 20_000,
    message: `consentry-server to answer /healthz (output so far: ${server.output})`,
  });
  return server;
}
