import { useTranslation } from 'react-i18next';
import { Suspense, useEffect, useRef, useState } from 'react';
import { Loading } from '@/components/ErrorMessage';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { hasRole, useMe } from '@/lib/auth';
import { useSignOut } from '@/features/auth/api';

export function Layout() {
  const { t } = useTranslation();
  const me = useMe();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  const user = me.data;

  // Close the menu and move focus to the page on navigation (screen readers hear the new page).
  const first = useRef(true);
  useEffect(() => {
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [location.pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to="/" className="brand" aria-label={t('nav.home')}>
            <span aria-hidden="true" className="brand-mark">
              ▲
            </span>
            {t('common.appName')}
          </Link>
          <button
            type="button"
            className="menu-toggle btn btn-secondary btn-small"
            aria-expanded={menuOpen}
            aria-controls="site-nav"
            onClick={() => setMenuOpen((o) => !o)}
          >
            {t('nav.menu')}
          </button>
          <nav id="site-nav" className={`site-nav ${menuOpen ? 'open' : ''}`} aria-label={t('nav.main')}>
            <ul>
              <li>
                <NavLink to="/" end>
                  {t('nav.events')}
                </NavLink>
              </li>
              {user && (
                <li>
                  <NavLink to="/me/registrations">{t('nav.myRegistrations')}</NavLink>
                </li>
              )}
              {hasRole(user, 'organizer') && (
                <li>
                  <NavLink to="/organizer">{t('nav.organize')}</NavLink>
                </li>
              )}
              {user ? (
                <>
                  <li>
                    <NavLink to="/account" className="user-link" title={user.email}>
                      <span className="visually-hidden">{t('nav.accountPrefix')}</span>
                      <span data-testid="current-user">{user.name || user.email}</span>
                    </NavLink>
                  </li>
                  <li>
                    <button
                      type="button"
                      className="btn btn-link nav-button"
                      disabled={signOut.isPending}
                      onClick={() => signOut.mutate(undefined, { onSettled: () => navigate('/') })}
                    >
                      {t('nav.signOut')}
                    </button>
                  </li>
                </>
              ) : (
                // While the session is unknown the links keep their place unseen, so the
                // nav does not move when the answer comes.
                <>
                  <li className={me.isPending ? 'pending' : undefined} aria-hidden={me.isPending || undefined}>
                    <NavLink to="/sign-in" tabIndex={me.isPending ? -1 : undefined}>
                      {t('nav.signIn')}
                    </NavLink>
                  </li>
                  <li className={me.isPending ? 'pending' : undefined} aria-hidden={me.isPending || undefined}>
                    <NavLink to="/sign-up" className="btn btn-primary btn-small" tabIndex={me.isPending ? -1 : undefined}>
                      {t('nav.signUp')}
                    </NavLink>
                  </li>
                </>
              )}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="container">
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer">
        <div className="container">{t('nav.footer')}</div>
      </footer>
    </>
  );
}
