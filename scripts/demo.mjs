// `npm run demo`: the browser demo (docs/demo) served on 127.0.0.1 with the browser build of
// tfjs-kaf (dist/browser.mjs) and tfjs's ESM bundle, nothing else. Port from --port or PORT
// (default 8080; 0 picks a free one). Prints the address; /?selftest runs the page's self-test.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { port: { type: 'string' } } });
const port = Number(values.port ?? process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`demo: the port must be an integer in [0, 65535], received '${values.port ?? process.env.PORT}'`);
  process.exit(2);
}
const browserBuild = path.join(root, 'dist', 'browser.mjs');
if (!existsSync(browserBuild)) {
  console.error('demo: dist/browser.mjs is missing: run `npm run build:ts` (npm install runs it)');
  process.exit(2);
}

// URL path -> file. Only these are served.
const routes = {
  '/': 'docs/demo/index.html',
  '/demo.mjs': 'docs/demo/demo.mjs',
  '/selftest.mjs': 'docs/demo/selftest.mjs',
  '/reference64.mjs': 'test/helpers/reference64.mjs',
  '/bench.mjs': 'docs/demo/bench.mjs',
  '/expected.json': 'docs/demo/expected.json',
  '/model/model.json': 'docs/demo/model/model.json',
  '/model/weights.bin': 'docs/demo/model/weights.bin',
  '/tfjs-kaf/browser.mjs': 'dist/browser.mjs',
  '/vendor/tfjs.mjs': 'node_modules/@tensorflow/tfjs/dist/tf.fesm.min.js',
};
const types = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
};

const server = createServer((request, response) => {
  const route = routes[new URL(request.url ?? '/', 'http://localhost').pathname];
  const file = route && path.join(root, route);
  if (!file || !existsSync(file)) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  response.writeHead(200, {
    'content-type': types[path.extname(file)] ?? 'application/octet-stream',
    'content-length': statSync(file).size,
    'cache-control': 'no-store',
  });
  createReadStream(file).pipe(response);
});
server.on('error', (err) => {
  console.error(`demo: cannot listen on 127.0.0.1:${port}: ${err.message}`);
  process.exit(2);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`tfjs-kaf demo: http://127.0.0.1:${server.address().port}/  (self-test: /?selftest)`);
});
