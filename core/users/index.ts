/** User profiles: the service, its store port and the DynamoDB adapter. */
export { UserService, type UserServiceOptions } from './user-service';
export type { UserStore, UserChanges } from './user-store';
export { DynamoUserStore, type DynamoUserStoreOptions } from './dynamodb-user-store';
export { USER_LIMITS, emailSchema, userIdSchema } from './user-validation';
