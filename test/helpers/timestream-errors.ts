import { InternalServerException, ThrottlingException } from '@aws-sdk/client-timestream-write';

/** What Timestream answers a WriteRecords over the account's rate: HTTP 429, retryable. */
export const timestreamThrottled = (): ThrottlingException =>
  new ThrottlingException({
    message: 'Rate exceeded',
    Message: 'Rate exceeded',
    $metadata: { httpStatusCode: 429 },
  });

/** A Timestream internal error: HTTP 500, retryable. */
export const timestreamInternalError = (): InternalServerException =>
  new InternalServerException({ message: 'oops', Message: 'oops', $metadata: { httpStatusCode: 500 } });
