/**
 * Where the backend's Python package (landscape_lens) is at run time: python/ of the extension's
 * folder, or of the folder above the CLI's dist/. LANDSCAPE_LENS_BACKEND_DIR overrides it (a
 * checkout of the package elsewhere, for development and tests).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The folder holding landscape_lens/, for an install rooted at `root` (the extension's folder, or dist/..). */
export function backendPackageDir(root: string): string {
  return process.env.LANDSCAPE_LENS_BACKEND_DIR || join(root, 'python');
}

/** A reason the package is not usable in `packageDir`, or undefined when it is there. */
export function missingPackageReason(packageDir: string): string | undefined {
  if (existsSync(join(packageDir, 'landscape_lens', '__main__.py'))) return undefined;
  return `the PyTorch backend's Python package is missing: ${join(packageDir, 'landscape_lens', '__main__.py')} does not exist; reinstall Landscape Lens (or set LANDSCAPE_LENS_BACKEND_DIR to the folder holding landscape_lens/)`;
}
