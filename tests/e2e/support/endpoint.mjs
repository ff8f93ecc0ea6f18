// A real HTTP receipt endpoint for the end-to-end tests, on its own origin: it answers the CORS
// preflight for `Content-Type: application/jose`, records every POSTed body, and can be taken
// "down" (connections are dropped, as with a dead server) and brought back, or made to answer every
// POST with another status (`setStatus(409)`; `setStatus(null)` restores 201).

import http from 'node:http';
import { before, after } from 'node:test';

export async function startEndpoint() {
  const received = [];
  let down = false;
  let status = null;
  const server = http.createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const cors = {
      'Access-Control-Allow-Origin': req.headers.origin ?? '*',
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': 'content-type',
      'Cache-Control': 'no-store',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ at: Date.now(), contentType: req.headers['content-type'], body });
      const id = (() => {
        try {
          return JSON.parse(Buffer.from(body.split('.')[1], 'base64url').toString('utf8')).consentReceiptID;
        } catch {
          return null;
        }
      })();
      if (status !== null) {
        res.writeHead(status, { ...cors, 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: 'conflict', message: 'a different receipt with this id exists' }));
        return;
      }
      res.writeHead(201, { ...cors, 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ receipt_id: id, position: received.length - 1 }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}/v1/receipts`,
    received,
    setDown(value) {
      down = value;
    },
    setStatus(value) {
      status = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * Registers `before`/`after` hooks for the current test file that start an endpoint and close it, and
 * returns the object they fill in (its `url`, `received` and controls), as `useEnvironment()` does.
 */
export function useEndpoint() {
  const endpoint = {};
  before(async () => Object.assign(endpoint, await startEndpoint()));
  after(async () => endpoint.close?.());
  return endpoint;
}
