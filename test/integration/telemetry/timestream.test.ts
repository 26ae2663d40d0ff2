import { QueryCommand, TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { TimestreamTelemetryStore } from '../../../core/telemetry';
import { FakeTimestream } from '../../../testkit/fake-timestream';
import { NOW } from '../../../testkit/telemetry-fixtures';
import { telemetryStoreContract } from './contract';

const writeMock = mockClient(TimestreamWriteClient);
const queryMock = mockClient(TimestreamQueryClient);

// The Timestream adapter through its real SDK clients, answered by a DuckDB-backed fake
// with Timestream's write rules and response shapes (test/helpers/fake-timestream.ts).
telemetryStoreContract('Timestream (SDK clients against a fake)', async () => {
  const fake = await FakeTimestream.open('yvr-test-db', 'calibrated_device_data');
  writeMock.reset();
  queryMock.reset();
  writeMock.on(WriteRecordsCommand).callsFake((input) => fake.writeRecords(input));
  queryMock.on(QueryCommand).callsFake((input) => fake.query(input));
  const store = new TimestreamTelemetryStore({
    database: 'yvr-test-db',
    table: 'calibrated_device_data',
    writeClient: new TimestreamWriteClient({ region: 'us-west-2' }),
    queryClient: new TimestreamQueryClient({ region: 'us-west-2' }),
    clock: () => NOW,
    retry: { sleep: async () => undefined },
  });
  return {
    store,
    close: async () => fake.close(),
  };
});
