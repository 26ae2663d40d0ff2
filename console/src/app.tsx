import { useEffect, useState } from 'react';
import { createApi, type Api } from './lib/api';
import { ConfigError, configureAmplify, loadConfig, type ConsoleConfig } from './lib/config';
import { Context } from './lib/context';
import { currentUser, signOutEverywhere, type SessionUser } from './lib/session';
import { useRoute } from './lib/router';
import { toApiError } from './lib/errors';
import { SignIn } from './pages/sign-in';
import { StationsPage } from './pages/stations';
import { StationPage } from './pages/station';
import { AlertsPage } from './pages/alerts';
import { RejectedPage } from './pages/rejected';
import { AccountsPage } from './pages/accounts';

type Boot =
  | { phase: 'loading' }
  | { phase: 'failed'; message: string }
  | { phase: 'signed-out'; config: ConsoleConfig }
  | { phase: 'ready'; config: ConsoleConfig; user: SessionUser; api: Api };

/** Loads config.json, configures Amplify, then shows sign-in or the console. */
export function App() {
  const [boot, setBoot] = useState<Boot>({ phase: 'loading' });

  async function enter(config: ConsoleConfig, user: SessionUser | null) {
    if (!user) return setBoot({ phase: 'signed-out', config });
    try {
      setBoot({ phase: 'ready', config, user, api: await createApi(undefined, config.GraphQLUrl) });
    } catch (err) {
      setBoot({ phase: 'failed', message: toApiError(err).message });
    }
  }

  useEffect(() => {
    (async () => {
      try {
        const config = await loadConfig();
        configureAmplify(config);
        await enter(config, await currentUser());
      } catch (err) {
        setBoot({
          phase: 'failed',
          message:
            err instanceof ConfigError
              ? `${err.message} The console reads its settings from config.json next to it.`
              : String(err),
        });
      }
    })();
  }, []);

  if (boot.phase === 'loading')
    return (
      <p className="loading boot" role="status">
        Loading the console...
      </p>
    );
  if (boot.phase === 'failed')
    return (
      <main className="boot">
        <div className="error" role="alert">
          <strong>The console cannot start.</strong> {boot.message}{' '}
          <button type="button" className="link" onClick={() => window.location.reload()}>
            Reload
          </button>
        </div>
      </main>
    );
  if (boot.phase === 'signed-out')
    return <SignIn config={boot.config} onSignedIn={(user) => void enter(boot.config, user)} />;
  return (
    <Context.Provider value={{ api: boot.api, config: boot.config, user: boot.user }}>
      <Shell
        user={boot.user}
        stage={boot.config.Stage}
        onSignOut={async () => {
          await signOutEverywhere().catch(() => undefined);
          setBoot({ phase: 'signed-out', config: boot.config });
        }}
      />
    </Context.Provider>
  );
}

function Shell({
  user,
  stage,
  onSignOut,
}: {
  user: SessionUser;
  stage?: string | undefined;
  onSignOut: () => void;
}) {
  const route = useRoute();
  const [section, id] = route.path;
  const admin = user.role === 'admin';
  const links = [
    { href: '#/stations', label: 'Stations', active: !section || section === 'stations' },
    { href: '#/alerts', label: 'Alerts', active: section === 'alerts' },
    ...(admin
      ? [
          { href: '#/rejected', label: 'Rejected messages', active: section === 'rejected' },
          { href: '#/accounts', label: 'Accounts', active: section === 'accounts' },
        ]
      : []),
  ];
  let page;
  if (!user.role)
    page = (
      <p className="warning" role="alert">
        Your account has no role yet: ask an admin to make you a user or an admin.
      </p>
    );
  else if (section === 'stations' && id) page = <StationPage key={id} id={id} />;
  else if (section === 'alerts') page = <AlertsPage deviceId={route.query.get('device') ?? undefined} />;
  else if (section === 'rejected' && admin) page = <RejectedPage />;
  else if (section === 'accounts' && admin) page = <AccountsPage />;
  else if ((section === 'rejected' || section === 'accounts') && !admin)
    page = (
      <p className="warning" role="alert">
        Only admins see this page.
      </p>
    );
  else page = <StationsPage />;

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <a className="brand" href="#/stations">
          YVR water quality{stage ? <span className="stage"> {stage}</span> : null}
        </a>
        <nav aria-label="Main">
          <ul>
            {links.map((l) => (
              <li key={l.href}>
                <a href={l.href} aria-current={l.active ? 'page' : undefined}>
                  {l.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {user.email} <span className="badge">{user.role ?? 'no role'}</span>
          </span>
          <button type="button" className="secondary small" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
