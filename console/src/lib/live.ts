import { useEffect, useState } from 'react';
import { Hub } from 'aws-amplify/utils';
import { CONNECTION_STATE_CHANGE, ConnectionState } from 'aws-amplify/api';

/**
 * How often a page re-reads what a subscription would have told it, while the
 * real-time connection is down. Never per second: a subscription is the way.
 */
export const FALLBACK_REFRESH_MS = 15_000;

export type LiveState = 'connecting' | 'live' | 'down';

const stateOf = (s: string): LiveState =>
  s === ConnectionState.Connected
    ? 'live'
    : s === ConnectionState.Connecting || s === ConnectionState.ConnectedPendingKeepAlive
      ? 'connecting'
      : 'down';

let current: LiveState = 'connecting';
const listeners = new Set<(s: LiveState) => void>();
let listening = false;

function listen() {
  if (listening) return;
  listening = true;
  Hub.listen('api', ({ payload }) => {
    if (payload.event !== CONNECTION_STATE_CHANGE) return;
    const data = payload.data as { connectionState: string };
    current = stateOf(data.connectionState);
    for (const l of listeners) l(current);
  });
}

/** The real-time connection's state (Amplify's CONNECTION_STATE_CHANGE events). */
export function useLiveState(): LiveState {
  const [state, setState] = useState<LiveState>(current);
  useEffect(() => {
    listen();
    listeners.add(setState);
    setState(current);
    return () => void listeners.delete(setState);
  }, []);
  return state;
}

/** Calls `refresh` every FALLBACK_REFRESH_MS while live updates are down (and the tab is visible). */
export function useFallbackRefresh(live: LiveState, refresh: () => void): void {
  useEffect(() => {
    if (live !== 'down') return;
    const timer = setInterval(() => {
      if (typeof document === 'undefined' || document.visibilityState !== 'hidden') refresh();
    }, FALLBACK_REFRESH_MS);
    return () => clearInterval(timer);
  }, [live, refresh]);
}
