/** The zod enums of contract.ts's values, for the schemas that parse settings, parameters and reports. */
import * as z from 'zod';
import { FAIL_ON, MODES, UNMANAGED_HANDLINGS, VERDICTS, VERIFY_SCOPES } from './contract.ts';

export const ModeSchema = z.enum(MODES);
export const FailOnSchema = z.enum(FAIL_ON);
export const UnmanagedHandlingSchema = z.enum(UNMANAGED_HANDLINGS);
export const VerifySchema = z.enum(VERIFY_SCOPES);
export const VerdictSchema = z.enum(VERDICTS);
