/**
 * A Lambda function's environment as one table: each variable's name, the text its construct (lib/)
 * writes for a value, and the value its handler reads back from that text. The construct calls
 * writeVariables and the handler readVariables on the same table, so the two cannot disagree on a name
 * or a format. Plain code: the tables are bundled into the functions and imported by the constructs.
 */
import { ConfigurationError } from '../domain/errors.ts';
import { organizationsRegionFor } from '../domain/partitions.ts';

/** One variable: `Value` is what the handler reads, `Written` what the construct writes (the same unless said). */
export interface Variable<Value, Written = Value> {
  readonly name: string;
  /** The value from the variable's text (undefined when the variable is unset). */
  read(text: string | undefined): Value;
  /** The variable's text, or undefined to leave it unset. */
  write(value: Written): string | undefined;
}

/** A table's rows, by the name the code gives each value. */
export type VariableTable = Readonly<Record<string, Variable<unknown, never>>>;

/** What the handler reads from a table. */
export type ReadValues<T extends VariableTable> = { [K in keyof T]: ReturnType<T[K]['read']> };

/** What the construct writes into a table. */
export type WrittenValues<T extends VariableTable> = { [K in keyof T]: Parameters<T[K]['write']>[0] };

/** The environment a construct sets: one entry per variable whose value is written. */
export function writeVariables<T extends VariableTable>(
  table: T,
  values: WrittenValues<T>,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const key of Object.keys(table)) {
    const variable = table[key] as Variable<unknown, unknown>;
    const text = variable.write(values[key]);
    if (text !== undefined) environment[variable.name] = text;
  }
  return environment;
}

/** The values a handler reads; a required variable that is unset or malformed throws a ConfigurationError naming it. */
export function readVariables<T extends VariableTable>(table: T, env: NodeJS.ProcessEnv): ReadValues<T> {
  const values: Record<string, unknown> = {};
  for (const [key, variable] of Object.entries(table)) values[key] = variable.read(env[variable.name]);
  return values as ReadValues<T>;
}

/** The variables' names, by key (for messages and tests). */
export function namesOf<T extends VariableTable>(table: T): { readonly [K in keyof T]: string } {
  return Object.fromEntries(Object.entries(table).map(([key, variable]) => [key, variable.name])) as {
    [K in keyof T]: string;
  };
}

/** Text, optional: an empty value reads as unset. */
export function text(name: string): Variable<string | undefined> {
  return { name, read: (value) => value || undefined, write: (value) => value };
}

/** Text the stack always sets: unset or empty is a ConfigurationError naming the variable. */
export function requiredText(name: string): Variable<string> {
  return {
    name,
    read: (value) => {
      if (!value)
        throw new ConfigurationError(
          `the environment variable ${name} is not set (set by the ai-optout stack)`,
        );
      return value;
    },
    write: (value) => value,
  };
}

/** An on/off switch, off unless the text is exactly `true`; off is written as no variable at all. */
export function flag(name: string): Variable<boolean> {
  return { name, read: (value) => value === 'true', write: (value) => (value ? 'true' : undefined) };
}

/** One of `values`; anything else (or nothing) reads as `fallback`, the safe choice. */
export function choice<const Choice extends string>(
  name: string,
  values: readonly Choice[],
  fallback: Choice,
): Variable<Choice> {
  return {
    name,
    read: (value) => (values.includes(value as Choice) ? (value as Choice) : fallback),
    write: (value) => value,
  };
}

/** The state bucket's name (lambdas/runtime/state-bucket.ts): optional for the pipeline job, required by the Config rule. */
export const STATE_BUCKET_VARIABLE = 'AI_OPTOUT_STATE_BUCKET';

/**
 * How Organizations calls are paced: by AWS's published rates, or not at all (`none`, for emulators in
 * tests). No construct sets it.
 */
export const PACE = choice('AI_OPTOUT_PACE', ['published', 'none'], 'published');

/** What Lambda sets, and what a run against an emulator sets besides. */
const LAMBDA_VARIABLES = {
  region: text('AWS_REGION'),
  functionName: text('AWS_LAMBDA_FUNCTION_NAME'),
  endpoint: text('AWS_ENDPOINT_URL'),
  s3Endpoint: text('AWS_ENDPOINT_URL_S3'),
  pace: PACE,
} as const;

export interface LambdaEnvironment {
  /** `AWS_REGION`, the function's own region. */
  region: string | undefined;
  /** The Organizations (and STS) region of the partition of the function's own region. */
  organizationsRegion: string;
  /** `AWS_LAMBDA_FUNCTION_NAME`: unset outside Lambda. */
  functionName: string | undefined;
  /** Whether an endpoint override is set (S3 then needs path-style addressing). */
  endpointOverride: boolean;
  /** `AI_OPTOUT_PACE`: `none` only for emulators. */
  pace: 'published' | 'none';
}

/** What every function reads of the environment Lambda gives it. */
export function readLambdaEnvironment(env: NodeJS.ProcessEnv): LambdaEnvironment {
  const { region, functionName, endpoint, s3Endpoint, pace } = readVariables(LAMBDA_VARIABLES, env);
  return {
    region,
    organizationsRegion: organizationsRegionFor(region),
    functionName,
    endpointOverride: Boolean(endpoint || s3Endpoint),
    pace,
  };
}
