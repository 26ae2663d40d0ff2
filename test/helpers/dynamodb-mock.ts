import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * A document client for a store under unit test, and the aws-sdk-client-mock
 * stub that answers its commands (reset it before each test).
 */
export function mockedDocuments() {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' }));
  return { documents, mock: mockClient(documents) };
}

/** What DynamoDB answers a write whose ConditionExpression does not hold. */
export const conditionFailed = (): ConditionalCheckFailedException =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
