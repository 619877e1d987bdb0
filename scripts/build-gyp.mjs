// node-gyp build of the CPU addon. node-gyp run directly ignores npm's `nodedir` setting and would
// try to download Node's headers: pass the headers that ship with this Node when they are there.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const fromNpm = process.env.npm_config_nodedir;
const besideNode = path.resolve(path.dirname(process.execPath), '..');
const nodedir = fromNpm && fromNpm !== 'undefined' ? fromNpm : existsSync(path.join(besideNode, 'include', 'node', 'node_api.h')) ? besideNode : undefined;

// node-gyp from the project, else the one npm ships (npm names it in npm_config_node_gyp).
let gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  gyp = process.env.npm_config_node_gyp;
  if (!gyp) throw new Error('build:gyp needs node-gyp: run it through `npm run build:gyp`, or `npm install node-gyp`');
}
const args = [gyp, 'rebuild', ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
console.log(`node ${args.map((a) => path.relative(process.cwd(), a) || a).join(' ')}`);
execFileSync(process.execPath, args, { stdio: 'inherit' });
