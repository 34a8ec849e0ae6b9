import { readPackageJson } from './package-files.js';

/** The package version, from package.json ('unknown' when it cannot be read). */
export const VERSION = readPackageJson().version ?? 'unknown';
