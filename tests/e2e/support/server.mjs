// Two tiny HTTP servers on two different origins, as on a real site:
//  - the widget origin serves the built files from `dist/` (CORS `*`, `application/wasm`),
//  - the site origin serves pages the tests register one by one (HTML, JSON, scripts).
// Both keep a log of the requests they answered (with the time each arrived) so tests can check what the
// browser fetched and when. The widget origin can be told to delay, fail or drop a file (`override`).

import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';

const MIME = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // No host: listen on the dual-stack wildcard so both `localhost` and `127.0.0.1` reach it.
    server.listen(0, () => resolve(server.address().port));
  });
}

function close(server) {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Serves the files of `root` (the built `dist/`) to any origin. `override(pathname, how)` changes one file
 * until `reset()`: `{ delay: ms }` answers late, `{ status }` answers with that status instead,
 * `{ drop: true }` closes the connection without an answer (a network error in the browser),
 * `{ tamper: true }` serves the file with one byte changed (its middle byte, XOR 1).
 * `{ caching: true }` sends the headers README tells site owners to send (content-hashed files immutable,
 * `consentry.js` revalidated with an ETag) instead of `no-store`, for benchmarks of a returning visitor.
 */
export async function startWidgetServer(root, { caching = false } = {}) {
  const log = [];
  const overrides = new Map();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    log.push({ method: req.method, path: url.pathname, search: url.search, at: Date.now() });
    const how = overrides.get(url.pathname) ?? {};
    if (how.drop) {
      req.socket.destroy();
      return;
    }
    if (how.delay) await sleep(how.delay);
    const hashed = /^\/consentry-([0-9a-f]{16}[.-]|lang-[a-z]+-[0-9a-f]{16}\.json$)/.test(url.pathname);
    const headers = {
      'Access-Control-Allow-Origin': '*',
      'Cache-Control': !caching ? 'no-store' : hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      // Lets the page's Resource Timing see transfer sizes across origins (the benchmark counts bytes).
      'Timing-Allow-Origin': '*',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...headers, 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Allow-Headers': '*' });
      res.end();
      return;
    }
    const rel = path.normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    const file = path.join(root, rel);
    if (rel.startsWith('..') || !file.startsWith(root)) {
      res.writeHead(403, headers).end();
      return;
    }
    if (how.status) {
      res.writeHead(how.status, { ...headers, 'Content-Type': 'text/plain' }).end('overridden');
      return;
    }
    try {
      let body = await readFile(file);
      if (how.tamper) {
        body = Buffer.from(body);
        body[body.length >> 1] ^= 1;
      }
      if (caching) {
        const etag = `"${body.length}-${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
        headers.ETag = etag;
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, headers).end();
          return;
        }
      }
      res.writeHead(200, { ...headers, 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  const port = await listen(server);
  return {
    origin: `http://localhost:${port}`,
    log,
    override: (pathname, how) => overrides.set(pathname, how),
    reset: () => overrides.clear(),
    close: () => close(server),
  };
}

/**
 * Serves whatever the tests register: `site.route(path, body, type)`.
 * Unknown paths answer 404. `site.requests(path)` counts how often a path was fetched.
 */
export async function startSiteServer() {
  const routes = new Map();
  const log = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    log.push({ method: req.method, path: url.pathname, search: url.search, at: Date.now() });
    const route = routes.get(url.pathname);
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' }).end('not found');
      return;
    }
    res.writeHead(route.status ?? 200, { 'Content-Type': route.type, 'Cache-Control': 'no-store' });
    res.end(route.body);
  });
  const port = await listen(server);
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    log,
    /** Registers `body` at `pathname` and returns its absolute URL. */
    route(pathname, body, type = MIME[path.extname(pathname)] ?? 'text/html; charset=utf-8', status = 200) {
      routes.set(pathname, { body, type, status });
      return origin + pathname;
    },
    /** How many times the browser asked for `pathname`. */
    requests(pathname) {
      return log.filter((r) => r.path === pathname).length;
    },
    close: () => close(server),
  };
}
