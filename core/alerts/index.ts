/** The alerts domain: rules (pure), the store port and its DynamoDB adapter, the service, the notifier ports. */
export * from './model';
export * from './rules';
export * from './alert-store';
export { DynamoAlertStore, alertRuleOf, type DynamoAlertStoreOptions } from './dynamodb-alert-store';
export * from './alert-service';
export * from './notifier';
export * from './recipients';
