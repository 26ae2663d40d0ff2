import { createContext, useContext } from 'react';
import type { Api } from './api';
import type { ConsoleConfig } from './config';
import type { SessionUser } from './session';

export interface ConsoleContext {
  api: Api;
  config: ConsoleConfig;
  user: SessionUser;
}

export const Context = createContext<ConsoleContext | null>(null);

/** The signed-in console's API client, config and user. */
export function useConsole(): ConsoleContext {
  const value = useContext(Context);
  if (!value) throw new Error('useConsole outside the signed-in console');
  return value;
}
