// Types of on-alert-changed.js for the TypeScript tests.
import type { Context, NONERequest } from '@aws-appsync/utils';

export function request(ctx: Context<{ deviceId?: string | null }>): NONERequest;
export function response(ctx: Context<{ deviceId?: string | null }>): null;
