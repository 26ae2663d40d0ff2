import { useCallback, useEffect, useState } from 'react';
import { useConsole } from '../lib/context';
import { useFallbackRefresh, useLiveState } from '../lib/live';
import { useAsync } from '../lib/use-async';
import type { Alert, AlertState, Connection } from '../lib/types';
import { AlertList, applyAlertEvent } from '../components/alert-list';
import { ErrorBox, LiveIndicator, Loading } from '../components/common';

const STATES: (AlertState | 'ALL')[] = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED', 'ALL'];

/** Alerts of every station (or one), newest first, with acknowledge; kept live by onAlertChanged. */
export function AlertsPage({ deviceId }: { deviceId?: string | undefined }) {
  const { api } = useConsole();
  const live = useLiveState();
  const [state, setState] = useState<AlertState | 'ALL'>('OPEN');
  const alerts = useAsync(async () => {
    if (!api.capabilities.alerts) return [];
    const page = await api.request<Connection<Alert>>('alerts', {
      deviceId: deviceId ?? null,
      state: state === 'ALL' ? null : state,
      limit: 100,
    });
    return page.items;
  }, [api, deviceId, state]);
  const set = alerts.set;
  const onChanged = useCallback(
    (a: Alert) =>
      set((list) => {
        const next = applyAlertEvent(list ?? [], a);
        return state === 'ALL' ? next : next.filter((x) => x.state === state);
      }),
    [set, state],
  );
  useEffect(() => {
    if (!api.capabilities.alerts) return;
    return api.subscribe<Alert>('onAlertChanged', deviceId ? { deviceId } : {}, onChanged, () => undefined);
  }, [api, deviceId, onChanged]);
  useFallbackRefresh(live, alerts.reload);

  return (
    <section aria-labelledby="alerts-title">
      <div className="page-head">
        <h1 id="alerts-title">Alerts{deviceId ? ` of ${deviceId}` : ''}</h1>
        <LiveIndicator state={live} />
      </div>
      {!api.capabilities.alerts ? (
        <p className="warning" role="status">
          This API does not serve alerts yet: update the backend to a version with alerts.
        </p>
      ) : (
        <>
          <div className="toolbar">
            <label htmlFor="alert-state">Show</label>
            <select
              id="alert-state"
              value={state}
              onChange={(e) => setState(e.target.value as AlertState | 'ALL')}
            >
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {s === 'ALL' ? 'all' : s.toLowerCase()}
                </option>
              ))}
            </select>
            {deviceId ? <a href="#/alerts">all stations</a> : null}
          </div>
          {alerts.error ? (
            <ErrorBox error={alerts.error} retry={alerts.reload} what="load the alerts" />
          ) : null}
          {alerts.data ? <AlertList alerts={alerts.data} onChanged={onChanged} /> : <Loading what="alerts" />}
        </>
      )}
    </section>
  );
}
