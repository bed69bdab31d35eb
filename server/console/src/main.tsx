// The console's shell: sign-in, the signed-in key (sessionStorage, nothing else is kept), routing
// by path under /admin, and the navigation every page shares.
import { render } from 'preact';
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { type Me, type Problem, basePath, createApi } from './api';
import { Link, Navigation, type Session } from './ui';
import { AppsPage } from './pages/Apps';
import { EmployeesPage } from './pages/Employees';
import { EngagementPage } from './pages/Engagement';
import { HibobPage } from './pages/Hibob';
import { HistoryPage } from './pages/History';
import { ImportPage } from './pages/Import';
import { ImportRunPage } from './pages/ImportRun';
import { SignInPage } from './pages/SignIn';
import { SurveyDetailsPage } from './pages/SurveyDetails';
import { SurveyFormPage } from './pages/SurveyForm';
import { SurveysPage } from './pages/Surveys';
import { WebhookDetailsPage } from './pages/WebhookDetails';
import { WebhookFormPage } from './pages/WebhookForm';
import { WebhooksPage } from './pages/Webhooks';

const KEY_ITEM = 'peoplehub.console.key';

/** The path inside the console (`/admin/...`), without the mount point PUBLIC_URL may add. */
function currentPath(): string {
  const base = basePath();
  const path = window.location.pathname;
  return (path.startsWith(base) ? path.slice(base.length) : path).replace(/\/+$/, '') || '/admin';
}

interface Route {
  match: RegExp;
  render: (session: Session, params: string[]) => ComponentChildren;
}

const ROUTES: Route[] = [
  { match: /^\/admin\/apps$/, render: (s) => <AppsPage session={s} /> },
  { match: /^\/admin\/webhooks$/, render: (s) => <WebhooksPage session={s} /> },
  { match: /^\/admin\/webhooks\/new$/, render: (s) => <WebhookFormPage session={s} id={null} /> },
  {
    match: /^\/admin\/webhooks\/([^/]+)\/edit$/,
    render: (s, [id]) => <WebhookFormPage key={id} session={s} id={id} />,
  },
  { match: /^\/admin\/webhooks\/([^/]+)\/history$/, render: (s, [id]) => <HistoryPage key={id} session={s} id={id} /> },
  { match: /^\/admin\/webhooks\/([^/]+)$/, render: (s, [id]) => <WebhookDetailsPage key={id} session={s} id={id} /> },
  { match: /^\/admin\/integrations\/hibob$/, render: (s) => <HibobPage session={s} /> },
  { match: /^\/admin\/employees$/, render: (s) => <EmployeesPage session={s} /> },
  { match: /^\/admin\/imports$/, render: (s) => <ImportPage session={s} /> },
  { match: /^\/admin\/imports\/([^/]+)$/, render: (s, [id]) => <ImportRunPage key={id} session={s} id={id} /> },
  // The page takes its filters from the address (a survey round links to its results), so a new address remounts it.
  { match: /^\/admin\/engagement$/, render: (s) => <EngagementPage key={window.location.search} session={s} /> },
  { match: /^\/admin\/surveys$/, render: (s) => <SurveysPage session={s} /> },
  { match: /^\/admin\/surveys\/new$/, render: (s) => <SurveyFormPage session={s} /> },
  { match: /^\/admin\/surveys\/([^/]+)$/, render: (s, [id]) => <SurveyDetailsPage key={id} session={s} id={id} /> },
];

const NAV = [
  { to: '/admin/apps', label: 'Apps' },
  { to: '/admin/webhooks', label: 'Webhooks' },
  { to: '/admin/integrations/hibob', label: 'Integrations · HiBob' },
  { to: '/admin/employees', label: 'Employees' },
  { to: '/admin/imports', label: 'Import' },
  { to: '/admin/engagement', label: 'Engagement' },
  { to: '/admin/surveys', label: 'Surveys' },
];

function Console() {
  const [path, setPath] = useState(currentPath);
  const [key, setKey] = useState<string | null>(() => sessionStorage.getItem(KEY_ITEM));
  const [me, setMe] = useState<Me | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // `to` may carry a query (the filters a page starts with); the route is its path.
  const navigate = useCallback((to: string) => {
    window.history.pushState(null, '', `${basePath()}${to}`);
    setPath(to.replace(/[?#].*$/, ''));
    window.scrollTo(0, 0);
  }, []);

  useEffect(() => {
    const onPop = () => setPath(currentPath());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const signOut = useCallback((message: string | null) => {
    sessionStorage.removeItem(KEY_ITEM);
    setKey(null);
    setMe(null);
    setNotice(message);
  }, []);

  // /admin/logout forgets the key, then shows the sign-in page at /admin.
  useEffect(() => {
    if (path !== '/admin/logout') return;
    signOut('You are signed out. The key is no longer kept in this tab.');
    window.history.replaceState(null, '', `${basePath()}/admin`);
    setPath('/admin');
  }, [path, signOut]);

  const api = useMemo(
    () => (key ? createApi(key, (problem: Problem) => signOut(`Signed out: ${problem.detail}`)) : null),
    [key, signOut],
  );

  // A key kept from earlier in this tab is checked again before any page uses it.
  useEffect(() => {
    if (!api || me) return;
    api.get<Me>('/v1/users/me').then(setMe, () => signOut('Your key no longer works; sign in again.'));
  }, [api, me, signOut]);

  if (path === '/admin/logout') return null;

  if (!key || !api) {
    return (
      <Navigation.Provider value={navigate}>
        <SignInPage
          notice={notice}
          onSignedIn={(signedKey, who) => {
            sessionStorage.setItem(KEY_ITEM, signedKey);
            setNotice(null);
            setMe(who);
            setKey(signedKey);
            if (path === '/admin') navigate('/admin/webhooks');
          }}
        />
      </Navigation.Provider>
    );
  }
  if (!me) return <p role="status">Checking your key…</p>;

  const session: Session = { api, me };
  const route = path === '/admin' ? ROUTES[1] : ROUTES.find((r) => r.match.test(path));
  const params = route
    ? path === '/admin'
      ? []
      : (route.match.exec(path) ?? []).slice(1).map(decodeURIComponent)
    : [];
  const active =
    NAV.find((item) => path === item.to || path.startsWith(`${item.to}/`))?.to ??
    (path === '/admin' ? '/admin/webhooks' : null);

  return (
    <Navigation.Provider value={navigate}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">PeopleHub admin</span>
        <nav aria-label="Console">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={active === item.to ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            {me.name ?? me.email} <span class="badge">{me.accessRight}</span>
          </span>
          <a href={`${basePath()}/admin/logout`}>Sign out</a>
        </div>
      </header>
      <main id="main">
        {route ? (
          route.render(session, params)
        ) : (
          <section>
            <h1>Not found</h1>
            <p>
              There is no console page at {path}. <Link to="/admin/webhooks">Go to webhooks</Link>.
            </p>
          </section>
        )}
      </main>
    </Navigation.Provider>
  );
}

const root = document.getElementById('console');
if (root) {
  root.textContent = '';
  render(<Console />, root);
}
