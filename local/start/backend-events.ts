import type { AlertPublisher } from '../../core/alerts/notifier';
import type { ChangeNotifier } from '../../core/ingestion/ports';

type Listener = (id: string) => Promise<void>;

/**
 * The backend's own notifications inside one process: a device changed
 * (AppSync's `notifyDeviceConfigChanged`), an alert changed
 * (`notifyAlertChanged`). In AWS the processor and the API's schedule call
 * those @aws_iam mutations with SigV4. Here the processor and the API are
 * built before the GraphQL engine that serves the subscriptions (the engine
 * calls the API), so they tell this hub, and the engine listens once it
 * exists: the cycle is broken by construction order, not by a variable bound
 * late. An event with no listener reaches no one, as a mutation with no
 * subscriber does; a listener's failure goes back to the caller.
 */
export class BackendEvents {
  readonly #devices = new Set<Listener>();
  readonly #alerts = new Set<Listener>();

  /** For the processor and the API's replays. */
  readonly changeNotifier: ChangeNotifier = { deviceChanged: (deviceId) => emit(this.#devices, deviceId) };
  /** For the alert services (the processor's and the API's). */
  readonly alertPublisher: AlertPublisher = { alertChanged: (alert) => emit(this.#alerts, alert.id) };

  /** Listens to device changes; returns the function that stops listening. */
  onDeviceChanged(listener: Listener): () => void {
    this.#devices.add(listener);
    return () => this.#devices.delete(listener);
  }

  /** Listens to alert changes (the alert's id); returns the function that stops listening. */
  onAlertChanged(listener: Listener): () => void {
    this.#alerts.add(listener);
    return () => this.#alerts.delete(listener);
  }
}

async function emit(listeners: Set<Listener>, id: string): Promise<void> {
  await Promise.all([...listeners].map((listener) => listener(id)));
}
