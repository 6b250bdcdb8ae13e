/**
 * The report formats, in one list. The CLI's `--format` choices (each command's, by kind), the files of
 * the pipeline's report artifact and the latest run's keys in the state bucket are all read from it, so a
 * new format is a module exporting a `defineFormat({...})` (format.ts) and its line here.
 */
import type { ReportFormat, ReportInput } from './format.ts';
import { githubFormat } from './github.ts';
import { htmlFormat } from './html.ts';
import { jsonFormat } from './json.ts';
import { junitFormat } from './junit.ts';
import { markdownFormat } from './markdown.ts';
import { sarifFormat } from './sarif.ts';
import { textFormat } from './text.ts';

/** The artifact files of a list of formats, as a union of their literal names. */
type FileOf<F extends ReportFormat> = NonNullable<F['artifact']>['file'];

export interface FormatRegistry<F extends ReportFormat> {
  /** Every format, in the order `--help` lists them. */
  readonly formats: readonly F[];
  /** The names of the formats `which` keeps (every one by default), in the list's order. */
  names(which?: (format: F) => boolean): F['name'][];
  /** The format called `name`; the CLI offers registered names only, so another is a programming error. */
  get(name: string): F;
  /** The pipeline's report artifact: each format that names a file, rendered from the one input. */
  artifactFiles(input: ReportInput): Record<FileOf<F>, string>;
  /** Those of `files` kept at the latest run's stable keys too. */
  latestFiles(files: Record<FileOf<F>, string>): Partial<Record<FileOf<F>, string>>;
}

export function formatRegistry<const F extends ReportFormat>(formats: readonly F[]): FormatRegistry<F> {
  const byName = new Map(formats.map((format) => [format.name, format]));
  if (byName.size !== formats.length) throw new Error('two report formats have the same name');
  const withFiles = formats.flatMap((format) => (format.artifact ? [{ format, ...format.artifact }] : []));
  return {
    formats,
    names: (which = () => true) => formats.filter(which).map((format) => format.name),
    get(name) {
      const format = byName.get(name);
      if (!format)
        throw new Error(
          `no report format is called ${name}; the formats are ${[...byName.keys()].join(', ')}`,
        );
      return format;
    },
    artifactFiles: (input) =>
      Object.fromEntries(withFiles.map(({ format, file }) => [file, format.render(input)])) as Record<
        FileOf<F>,
        string
      >,
    latestFiles: (files) =>
      Object.fromEntries(
        withFiles.filter(({ latest }) => latest).map(({ file }) => [file, files[file as FileOf<F>]]),
      ) as Partial<Record<FileOf<F>, string>>,
  };
}

export const REPORTS = formatRegistry([
  textFormat,
  jsonFormat,
  markdownFormat,
  htmlFormat,
  sarifFormat,
  junitFormat,
  githubFormat,
]);

/** A `--format` value. */
export type FormatName = (typeof REPORTS.formats)[number]['name'];
/** A file of the pipeline's report artifact: `report.json`, `report.md`, `report.html`. */
export type ReportFile = FileOf<(typeof REPORTS.formats)[number]>;
/** Content types of the artifact files, for their latest keys. */
export const REPORT_CONTENT_TYPES = Object.fromEntries(
  REPORTS.formats.flatMap((format) =>
    format.artifact ? [[format.artifact.file, format.artifact.contentType]] : [],
  ),
) as Record<ReportFile, string>;
