import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export interface IdeSettings {
  graphqlUrl: string;
  realtimeUrl: string;
  cognitoEndpoint: string;
  userPoolClientId: string;
  region: string;
}

export interface Ide {
  page(settings: IdeSettings): string;
  /** Files served under /ide/. */
  assets: Map<string, { type: string; body: Buffer }>;
}

/**
 * GraphiQL for the browser, served from node_modules (the machine may be
 * offline, so no CDN): React 18 and GraphiQL 3's UMD builds, plus a sign-in
 * bar that calls Cognito's InitiateAuth on cognito-local, or takes a pasted
 * token. Subscriptions go over the AppSync real-time protocol, as Amplify's do.
 */
export function loadIde(): Ide {
  // Resolved from each package's root: their `exports` maps do not list the UMD files.
  const file = (specifier: string) => {
    const [scope, ...rest] = specifier.split('/');
    return readFileSync(join(dirname(require.resolve(`${scope}/package.json`)), ...rest));
  };
  const assets = new Map([
    ['react.js', { type: 'text/javascript', body: file('react/umd/react.production.min.js') }],
    ['react-dom.js', { type: 'text/javascript', body: file('react-dom/umd/react-dom.production.min.js') }],
    ['graphiql.js', { type: 'text/javascript', body: file('graphiql/graphiql.min.js') }],
    ['graphiql.css', { type: 'text/css', body: file('graphiql/graphiql.min.css') }],
    ['ide.js', { type: 'text/javascript', body: Buffer.from(IDE_SCRIPT) }],
  ]);
  return {
    page: (settings) => PAGE.replace('__SETTINGS__', JSON.stringify(settings).replace(/</g, '\\u003c')),
    assets,
  };
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>YVR water quality: local GraphQL</title>
<link rel="stylesheet" href="/ide/graphiql.css">
<style>
  html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
  body { display: flex; flex-direction: column; }
  #signin { display: flex; gap: 8px; align-items: center; padding: 6px 10px; background: #0b3d5c; color: #fff; font-size: 13px; flex-wrap: wrap; }
  #signin input { padding: 3px 6px; font-size: 13px; }
  #signin #token { flex: 1; min-width: 200px; }
  #status { margin-left: auto; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<form id="signin">
  <strong>Local API</strong>
  <input id="email" type="email" placeholder="email" autocomplete="username">
  <input id="password" type="password" placeholder="password" autocomplete="current-password">
  <button id="signin-button" type="submit">Sign in</button>
  <span>or token:</span>
  <input id="token" placeholder="paste a Cognito ID or access token">
  <button id="signout" type="button">Sign out</button>
  <span id="status">not signed in</span>
</form>
<div id="graphiql">Loading the IDE...</div>
<script>window.LOCAL_SETTINGS = __SETTINGS__;</script>
<script src="/ide/react.js"></script>
<script src="/ide/react-dom.js"></script>
<script src="/ide/graphiql.js"></script>
<script src="/ide/ide.js"></script>
</body>
</html>`;

const IDE_SCRIPT = `(function () {
  var settings = window.LOCAL_SETTINGS;
  var $ = function (id) { return document.getElementById(id); };
  var token = localStorage.getItem('yvr-local-token') || '';
  function show() {
    $('token').value = token;
    if (!token) { $('status').textContent = 'not signed in'; return; }
    try {
      var claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      $('status').textContent = 'signed in as ' + (claims.email || claims.username || claims.sub) +
        ' (' + ((claims['cognito:groups'] || []).join(', ') || 'no group') + ')';
    } catch (e) { $('status').textContent = 'token set'; }
  }
  function setToken(value) {
    token = (value || '').trim();
    if (token) localStorage.setItem('yvr-local-token', token); else localStorage.removeItem('yvr-local-token');
    // GraphiQL loads the schema (an authorised introspection) on mount: reload to load it with the new token.
    location.reload();
  }
  $('signin').addEventListener('submit', function (event) {
    event.preventDefault();
    $('status').textContent = 'signing in...';
    fetch(settings.cognitoEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
      body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: settings.userPoolClientId,
        AuthParameters: { USERNAME: $('email').value, PASSWORD: $('password').value } })
    }).then(function (r) { return r.json(); }).then(function (body) {
      if (body.AuthenticationResult) setToken(body.AuthenticationResult.IdToken);
      else $('status').textContent = 'sign-in failed: ' + (body.message || body.__type || 'unknown error');
    }).catch(function (e) { $('status').textContent = 'sign-in failed: ' + e.message; });
  });
  $('token').addEventListener('change', function () { setToken($('token').value); });
  $('signout').addEventListener('click', function () { setToken(''); });
  show();

  // One AppSync real-time connection per subscription keeps this small; Amplify shares one.
  function subscribeAppSync(params) {
    return {
      subscribe: function (observer) {
        var header = btoa(JSON.stringify({ Authorization: token, host: location.host }));
        var ws = new WebSocket(settings.realtimeUrl + '?header=' + header + '&payload=e30=', 'graphql-ws');
        var id = String(Date.now()) + Math.random().toString(16).slice(2);
        ws.onopen = function () { ws.send(JSON.stringify({ type: 'connection_init' })); };
        ws.onmessage = function (event) {
          var m = JSON.parse(event.data);
          if (m.type === 'connection_ack') ws.send(JSON.stringify({ id: id, type: 'start', payload: {
            data: JSON.stringify({ query: params.query, variables: params.variables || {} }),
            extensions: { authorization: { Authorization: token, host: location.host } } } }));
          else if (m.type === 'data') observer.next(m.payload);
          else if (m.type === 'error' || m.type === 'connection_error') { observer.next(m.payload); observer.complete(); ws.close(); }
          else if (m.type === 'complete') observer.complete();
        };
        ws.onclose = function () { observer.complete(); };
        return { unsubscribe: function () {
          if (ws.readyState === 1) ws.send(JSON.stringify({ type: 'stop', id: id }));
          ws.close();
        } };
      }
    };
  }
  function fetcher(params) {
    if (/^\\s*subscription\\b/.test(params.query) && params.operationName !== 'IntrospectionQuery') return subscribeAppSync(params);
    return fetch(settings.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: token },
      body: JSON.stringify(params)
    }).then(function (r) { return r.json(); });
  }
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: 'query Devices {\\n  devices(limit: 10) {\\n    items { id name enabled configVersion configStatus lastSeenAt }\\n    nextToken\\n  }\\n}\\n'
  }));
})();`;
