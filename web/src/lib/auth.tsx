// Who is signed in: GET /api/v1/session ({user: null} when signed out, so a signed-out
// page shows no failed request), shared by every feature.
import type { ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Navigate, useLocation } from 'react-router';
import { api, type User, type Role } from './api';

export const meKey = ['me'] as const;

export async function fetchMe(): Promise<User | null> {
  const session = await api.get<{ user: User | null }>('/api/v1/session');
  return session.user ?? null;
}

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 60_000, retry: false });
}

export function hasRole(user: User | null | undefined, role: Role): boolean {
  return !!user?.roles?.includes(role);
}

/** After sign-in/out: set the user and drop everything cached for the previous one. */
export function useSetMe() {
  const qc = useQueryClient();
  return (user: User | null) => {
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' && q.queryKey[0] !== 'categories' });
    qc.setQueryData(meKey, user);
  };
}

/** Where to come back to after signing in: a same-site path only. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}

/** Renders children for a signed-in user (with the role, if given); else sends to sign-in. */
export function RequireAuth({ children, role }: { children: ReactNode; role?: Role }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <p role="status">Loading…</p>;
  if (me.isError) return <p role="alert">Could not load your account. Try again later.</p>;
  if (!me.data) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  if (role && !hasRole(me.data, role)) {
    return (
      <section className="page narrow">
        <title>{'Not available · admit'}</title>
        <h1>Not available</h1>
        <p>This page is for {role === 'organizer' ? 'organizers' : `${role}s`}.</p>
      </section>
    );
  }
  return <>{children}</>;
}
