/** Runs `body` with `variables` set in process.env, then restores the environment exactly. */
export async function withEnvironment<T>(
  variables: Record<string, string>,
  body: () => Promise<T>,
): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, variables);
  try {
    return await body();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
