import { loadLocalConfig } from './config';
import { PortInUseError } from './embedded/listen';
import { LocalStartError } from './embedded/data-dir-check';
import { LocalCredentialsError } from './embedded/local-credentials';

// The SDKs' Node-version and v2 maintenance notices (cognito-local bundles SDK v2) would bury the
// ready banner; they are about the SDKs, not this tool. Set before the SDKs load, hence the dynamic import.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
const { startLocal } = await import('./start-local');
const { ensureConsoleBuilt } = await import('../console/tooling/build-console');

// `npm start`: the whole system in one process; Ctrl-C stops it cleanly.
// Measured from process start, so module loading (tsx, the SDK) counts too.
const log = (line: string) => console.log(line);

try {
  const config = loadLocalConfig();
  // The operator console at /console: built now when missing or built from other sources.
  await ensureConsoleBuilt(log).catch((err: unknown) =>
    console.warn(`[console] not built, /console will say so: ${(err as Error).message}`),
  );
  const local = await startLocal({
    dataDir: config.dataDir,
    host: config.host,
    ports: config.ports,
    region: config.region,
    admin: config.admin,
    batch: config.batch,
    devicePassword: config.devicePassword,
    telemetry: config.telemetry,
    log,
  });
  const o = local.outputs;
  const seconds = process.uptime().toFixed(1);
  console.log(`
Local mode ready in ${seconds} s ${config.dataDir ? `(data in ${config.dataDir})` : '(in memory: nothing is kept)'}

  GraphQL + IDE   ${o.GraphQLUrl}   (also ${o.GraphQLHttpsUrl}: same port, TLS)
  Real-time       ${o.RealtimeUrl}  (AppSync protocol; graphql-ws on the GraphQL URL)
  MQTT            ${o.MqttUrl}   WebSocket ${o.MqttWsUrl}
  Cognito         ${o.CognitoEndpoint}  pool ${o.UserPoolId}  client ${o.UserPoolClientId}
  Admin           ${config.admin.email} / ${config.admin.email === 'admin@example.com' ? config.admin.password : '(LOCAL_ADMIN_PASSWORD)'}
  Console         ${o.ConsoleUrl}
  Telemetry       ${o.TelemetryStoreKind} (LOCAL_TELEMETRY)
  Health          ${o.HealthUrl}
  Local CA        ${o.CaCertificateFile}  (npm run trust-ca; Node: NODE_EXTRA_CA_CERTS)
  Outbox          ${o.OutboxUrl}  (alert notifications that would be sent)
${config.dataDir ? `  Outputs         ${config.dataDir}/outputs.json\n` : ''}
Try: npm run simulate -- --devices 5 --interval 2s      Stop: Ctrl-C
`);

  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) {
      console.log(
        'Stopping now without draining: messages not yet processed stay in the inbox for the next start.',
      );
      process.exit(130);
    }
    console.log(`\n${signal}: stopping (finishing the messages already accepted)...`);
    local.stop().then(
      () => {
        const s = local.processor.stats();
        console.log(
          `Stopped. Processed ${s.accepted} messages, rejected ${s.rejected}, ${s.waiting} left waiting.`,
        );
        process.exit(0);
      },
      (err: unknown) => {
        console.error('Stopping failed:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (err) {
  if (err instanceof PortInUseError || err instanceof LocalStartError || err instanceof LocalCredentialsError)
    console.error(`\nCannot start: ${err.message}\n`);
  else console.error('\nCannot start the local mode:', err);
  process.exit(1);
}
