import { CognitoAccountDirectory } from '../../../core/accounts';
import { useCognito } from '../../../testkit/embedded';
import { describeAccountDirectoryContract } from '../../helpers/account-directory-contract';

const cognito = useCognito();

describeAccountDirectoryContract(
  'Cognito (cognito-local)',
  () => new CognitoAccountDirectory({ client: cognito.client, userPoolId: cognito.userPoolId }),
);
