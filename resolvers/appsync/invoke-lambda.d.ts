// Types of invoke-lambda.js for the TypeScript tests (the resolver itself stays plain APPSYNC_JS).
import type { Context, LambdaRequest } from '@aws-appsync/utils';

export function request(ctx: Context): LambdaRequest;
export function response(ctx: Context): unknown;
