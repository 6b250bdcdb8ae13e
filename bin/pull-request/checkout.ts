/**
 * What the pull-request check reads from the checkout under review, and where it writes. The checkout is
 * the pull request's: a symbolic link committed as `ai-optout.yaml` could make the check read a file of
 * the build machine (its credentials, a token) and quote it in a comment, and a `reports` folder committed
 * with the pull request could pass its own reports off as the check's. So the desired state is read only
 * as a regular file reached without a link, and the report folder starts empty.
 */
import { lstatSync, mkdirSync, readlinkSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Whether `path` (relative to `root`, or absolute) is inside `root`. */
export function insideCheckout(root: string, path: string): boolean {
  const inside = relative(root, resolve(root, path));
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
}

/** A problem the check stops on before planning: its one sentence goes in the comment and the log. */
export class CheckoutError extends Error {
  override name = 'CheckoutError';
}

/**
 * Refuses `path` (relative to `root`, the checkout) unless every part of it is a real folder or, last, a
 * regular file inside `root`: never a symbolic link, never outside. `what` names it in the sentence.
 */
export function refuseLinkedPath(root: string, path: string, what: string): void {
  if (!insideCheckout(root, path))
    throw new CheckoutError(
      `${what} ${path} is not a file inside the checkout ${root}: give a path in the repository`,
    );
  const inside = relative(root, resolve(root, path));
  let current = root;
  const parts = inside.split(sep);
  for (const [index, part] of parts.entries()) {
    current = join(current, part);
    const stat = lstatSync(current, { throwIfNoEntry: false });
    if (!stat)
      throw new CheckoutError(`${what} ${path} is not in the pull request: commit it, or set its path`);
    if (stat.isSymbolicLink())
      throw new CheckoutError(
        `${what} ${path} is a symbolic link (${join(...parts.slice(0, index + 1))} -> ${readlinkSync(current)}): the check reads it only as a regular file of the pull request, so commit the file itself`,
      );
    const last = index === parts.length - 1;
    if (last && !stat.isFile())
      throw new CheckoutError(`${what} ${path} is not a regular file: commit the file itself`);
  }
}

/**
 * Empties the report folder, or makes it: whatever a previous run or the pull request left there goes
 * (a link is removed, not followed). Refuses the checkout itself and the folders above it.
 */
export function freshReportFolder(dir: string, cwd: string): string {
  const full = resolve(cwd, dir);
  const fromFolderToCwd = relative(full, cwd);
  if (fromFolderToCwd === '' || !fromFolderToCwd.startsWith('..'))
    throw new CheckoutError(
      `REPORT_DIR ${dir} is the checkout or a folder above it, which the check would empty: give a folder of its own, such as reports`,
    );
  const inCheckout = relative(cwd, full);
  if (!inCheckout.startsWith('..') && !isAbsolute(inCheckout)) {
    // A link committed as a parent folder would send the removal outside the checkout.
    let current = cwd;
    for (const part of inCheckout.split(sep).slice(0, -1)) {
      current = join(current, part);
      if (lstatSync(current, { throwIfNoEntry: false })?.isSymbolicLink())
        throw new CheckoutError(
          `REPORT_DIR ${dir} goes through ${relative(cwd, current)}, a symbolic link of the pull request: give a report folder whose parents are real folders`,
        );
    }
  }
  rmSync(full, { recursive: true, force: true });
  mkdirSync(full, { recursive: true });
  return full;
}
