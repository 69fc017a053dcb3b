import { createServer } from 'node:http';

/**
 * The floor under the time-travel rows: a bare node:http server that answers every GET with the same
 * JSON body, of the size the API's answer has, and does nothing else. Measured with the same client
 * as the API's queries (one at a time, one kept-alive connection), it shows what one round trip costs
 * on this machine at that moment: the loopback, both event loops and the scheduler, without a query.
 *
 * Usage: node round-trip-server.js <port> <body-bytes>; prints `listening <port>` once ready.
 */
const [portArg, bytesArg] = process.argv.slice(2);
const size = Math.max(16, Number(bytesArg ?? 2800));
const body = Buffer.from(JSON.stringify({ padding: 'x'.repeat(size - 16) }));
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.byteLength }).end(body);
});
server.listen(Number(portArg ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
