/** A target of a declared policy, whatever its type: the root, an OU (path or id), or an account (id or name). */
import * as z from 'zod';

export const TargetSchema = z
  .union([
    z.literal('root').meta({ description: 'The organization root: every OU and account.' }),
    z.strictObject({
      ou: z.string().min(1).meta({
        description:
          'OU path of names below the root, such as Workloads/Prod ("Root/" prefix allowed), or an OU id.',
      }),
    }),
    z.strictObject({
      account: z.string().min(1).meta({
        description: 'A 12-digit account id (quote it in YAML) or an exact account name.',
      }),
    }),
  ])
  .meta({ description: 'root, { ou: PATH-OR-ID } or { account: ID-OR-NAME }' });
