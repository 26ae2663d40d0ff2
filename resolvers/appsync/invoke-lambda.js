/**
 * APPSYNC_JS unit resolver for every Query and Mutation field: invokes the API
 * Lambda with an event shaped like AppSync's direct Lambda resolver event, so
 * the Powertools AppSync GraphQL router in the Lambda routes it by
 * `info.parentTypeName` and `info.fieldName` as it would a direct invocation.
 *
 * The Lambda answers a failed field with `{ __error: { errorType, message } }`
 * (core/shared/errors.ts, ErrorEnvelope); the response handler turns that into
 * a GraphQL error with that errorType.
 */
import { util } from '@aws-appsync/utils';

/**
 * @param {import('@aws-appsync/utils').Context} ctx
 * @returns {import('@aws-appsync/utils').LambdaRequest}
 */
export function request(ctx) {
  return {
    operation: 'Invoke',
    payload: {
      arguments: ctx.arguments,
      identity: ctx.identity ?? null,
      source: ctx.source ?? null,
      request: { headers: ctx.request.headers, domainName: ctx.request.domainName ?? null },
      prev: ctx.prev ?? null,
      info: {
        fieldName: ctx.info.fieldName,
        parentTypeName: ctx.info.parentTypeName,
        variables: ctx.info.variables ?? {},
        selectionSetList: ctx.info.selectionSetList,
        selectionSetGraphQL: ctx.info.selectionSetGraphQL,
      },
      stash: ctx.stash ?? {},
    },
  };
}

/**
 * @param {import('@aws-appsync/utils').Context} ctx
 * @returns {*} the field's value
 */
export function response(ctx) {
  if (ctx.error) {
    // The invocation itself failed (throttled, timed out, crashed): no internal detail reaches the caller.
    util.error('The service is temporarily unavailable. Try again in a moment.', 'ServiceUnavailable');
  }
  const result = ctx.result;
  if (result && typeof result === 'object' && !Array.isArray(result) && result.__error) {
    util.error(result.__error.message, result.__error.errorType);
  }
  return result;
}
