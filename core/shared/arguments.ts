/**
 * A field's generated argument type (`QueryReadingsArgs`, ...) as a service
 * entry takes it: AppSync leaves an argument the caller did not give out of
 * the event, so a nullable argument may be absent, while a required one is
 * there. The values are still checked at run time: AppSync checks only the
 * GraphQL types, and the services are the one layer that validates.
 */
export type GraphQLArgs<T> = {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: T[K];
};
