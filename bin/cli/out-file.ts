/** `--out` checked before anything is written: a report must never overwrite one of the command's inputs. */
import { sameFile } from '../../lambdas/adapters/files.ts';
import { echo } from '../../lambdas/domain/echo.ts';
import { flagError } from './flags.ts';

/** Refuses an output file that is one of the command's input files (the same file through links too). */
export async function refuseToOverwrite(
  out: string,
  inputs: readonly { flag: string; path: string | undefined }[],
): Promise<void> {
  for (const input of inputs) {
    if (input.path !== undefined && (await sameFile(out, input.path))) {
      throw flagError(
        `--out ${echo(out)} is the ${input.flag} file ${input.path === out ? '' : `${echo(input.path)} `}itself: writing the report there would destroy it; choose another --out path`,
      );
    }
  }
}
