import { Suspense, useEffect, useRef, useState } from 'react';
import { Loading } from '@/components/ErrorMessage';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { hasRole, useMe } from '@/lib/auth';
import { useSignOut } from '@/features/auth/api';

export function Layout() {
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
        Skip to content
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to="/" className="brand" aria-label="admit, home">
            <span aria-hidden="true" className="brand-mark">
              ▲
            </span>
            admit
          </Link>
          <button
            type="button"
            className="menu-toggle btn btn-secondary btn-small"
            aria-expanded={menuOpen}
            aria-controls="site-nav"
            onClick={() => setMenuOpen((o) => !o)}
          >
            Menu
          </button>
          <nav id="site-nav" className={`site-nav ${menuOpen ? 'open' : ''}`} aria-label="Main">
            <ul>
              <li>
                <NavLink to="/" end>
                  Events
                </NavLink>
              </li>
              {user && (
                <li>
                  <NavLink to="/me/registrations">My registrations</NavLink>
                </li>
              )}
              {hasRole(user, 'organizer') && (
                <li>
                  <NavLink to="/organizer">Organize</NavLink>
                </li>
              )}
              {user ? (
                <>
                  <li>
                    <NavLink to="/account" className="user-link" title={user.email}>
                      <span className="visually-hidden">Account: </span>
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
                      Sign out
                    </button>
                  </li>
                </>
              ) : (
                // While the session is unknown the links keep their place unseen, so the
                // nav does not move when the answer comes.
                <>
                  <li className={me.isPending ? 'pending' : undefined} aria-hidden={me.isPending || undefined}>
                    <NavLink to="/sign-in" tabIndex={me.isPending ? -1 : undefined}>
                      Sign in
                    </NavLink>
                  </li>
                  <li className={me.isPending ? 'pending' : undefined} aria-hidden={me.isPending || undefined}>
                    <NavLink to="/sign-up" className="btn btn-primary btn-small" tabIndex={me.isPending ? -1 : undefined}>
                      Sign up
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
        <div className="container">admit · event registration and ticketing</div>
      </footer>
    </>
  );
}
