import type { CodegenConfig } from '@graphql-codegen/cli';

// Types of the API come from schema.graphql; they are never written by hand.
const config: CodegenConfig = {
  schema: ['schema.graphql', 'local/appsync/prelude.graphql'],
  generates: {
    'core/generated/graphql.ts': {
      plugins: ['typescript'],
      config: {
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: true },
        maybeValue: 'T | null',
        inputMaybeValue: 'T | null | undefined',
        skipTypename: true,
        scalars: {
          AWSDate: 'string',
          AWSTime: 'string',
          AWSDateTime: 'string',
          AWSTimestamp: 'number',
          AWSEmail: 'string',
          AWSJSON: 'string',
          AWSURL: 'string',
          AWSPhone: 'string',
          AWSIPAddress: 'string',
        },
      },
    },
  },
};
export default config;
