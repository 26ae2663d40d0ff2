import { FakeTimestream, TEST_TIMESTREAM, timestreamOnFake } from '../../../testkit/fake-timestream';
import { NOW } from '../../../testkit/telemetry-fixtures';
import { telemetryStoreContract } from './contract';

// The Timestream adapter through its real SDK clients, answered by a DuckDB-backed fake
// with Timestream's write rules and response shapes (testkit/fake-timestream.ts).
telemetryStoreContract('Timestream (SDK clients against a fake)', async () => {
  const fake = await FakeTimestream.open(TEST_TIMESTREAM.database, TEST_TIMESTREAM.table);
  const { store } = timestreamOnFake(fake, { store: { clock: () => NOW } });
  return { store, close: async () => fake.close() };
});
