import { lazy, Suspense } from 'react';
import { Link, Route, Routes } from 'react-router';
import { Loading } from '@/components/ErrorMessage';
import { RequireAuth } from '@/lib/auth';
import { BrowsePage } from '@/features/events/BrowsePage';
import { EventRoute } from './EventRoute';
import { Layout } from './Layout';

// The pages a sale's visitors land on (the list, an event) are in the first script; the
// rest load on demand, so the first page downloads and runs less.
const SignInPage = lazy(() => import('@/features/auth/SignInPage').then((m) => ({ default: m.SignInPage })));
const SignUpPage = lazy(() => import('@/features/auth/SignUpPage').then((m) => ({ default: m.SignUpPage })));
const CheckEmailPage = lazy(() => import('@/features/auth/CheckEmailPage').then((m) => ({ default: m.CheckEmailPage })));
const VerifyPage = lazy(() => import('@/features/auth/VerifyPage').then((m) => ({ default: m.VerifyPage })));
const ForgotPasswordPage = lazy(() =>
  import('@/features/auth/ForgotPasswordPage').then((m) => ({ default: m.ForgotPasswordPage })),
);
const ResetPasswordPage = lazy(() =>
  import('@/features/auth/ResetPasswordPage').then((m) => ({ default: m.ResetPasswordPage })),
);
const RegistrationPage = lazy(() =>
  import('@/features/registrations/RegistrationPage').then((m) => ({ default: m.RegistrationPage })),
);
const TicketsPage = lazy(() => import('@/features/registrations/TicketsPage').then((m) => ({ default: m.TicketsPage })));
const PaymentSuccessPage = lazy(() =>
  import('@/features/registrations/PaymentReturnPages').then((m) => ({ default: m.PaymentSuccessPage })),
);
const PaymentCancelledPage = lazy(() =>
  import('@/features/registrations/PaymentReturnPages').then((m) => ({ default: m.PaymentCancelledPage })),
);
const MyRegistrationsPage = lazy(() =>
  import('@/features/registrations/MyRegistrationsPage').then((m) => ({ default: m.MyRegistrationsPage })),
);
const AccountPage = lazy(() => import('@/features/account/AccountPage').then((m) => ({ default: m.AccountPage })));
const organizer = () => import('./organizerRoutes');
const OrganizerHome = lazy(() => organizer().then((m) => ({ default: m.OrganizerHome })));
const NewEventPage = lazy(() => organizer().then((m) => ({ default: m.NewEventPage })));
const OrganizerEventLayout = lazy(() => organizer().then((m) => ({ default: m.OrganizerEventLayout })));
const OverviewTab = lazy(() => organizer().then((m) => ({ default: m.OverviewTab })));
const EditTab = lazy(() => organizer().then((m) => ({ default: m.EditTab })));
const RegistrationsTab = lazy(() => organizer().then((m) => ({ default: m.RegistrationsTab })));
const PromoCodesTab = lazy(() => organizer().then((m) => ({ default: m.PromoCodesTab })));
const DoorTab = lazy(() => organizer().then((m) => ({ default: m.DoorTab })));
// The door scanner: full screen, outside the site layout; a door token needs no sign-in.
const ScannerPage = lazy(() => import('@/features/checkin/ScannerPage').then((m) => ({ default: m.ScannerPage })));

function NotFound() {
  return (
    <section className="page narrow">
      <title>{'Page not found · admit'}</title>
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the events</Link>
      </p>
    </section>
  );
}

export function AppRoutes() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route path="scan/:eventId" element={<ScannerPage />} />
        <Route element={<Layout />}>
          <Route index element={<BrowsePage />} />
          <Route path="events/:id" element={<EventRoute />} />
          <Route path="sign-in" element={<SignInPage />} />
          <Route path="sign-up" element={<SignUpPage />} />
          <Route path="check-email" element={<CheckEmailPage />} />
          <Route path="verify" element={<VerifyPage />} />
          <Route path="forgot-password" element={<ForgotPasswordPage />} />
          <Route path="reset-password" element={<ResetPasswordPage />} />
          <Route path="account" element={<RequireAuth><AccountPage /></RequireAuth>} />
          <Route path="me/registrations" element={<RequireAuth><MyRegistrationsPage /></RequireAuth>} />
          <Route path="registrations/:id" element={<RequireAuth><RegistrationPage /></RequireAuth>} />
          <Route path="registrations/:id/tickets" element={<RequireAuth><TicketsPage /></RequireAuth>} />
          <Route path="registrations/:id/paid" element={<RequireAuth><PaymentSuccessPage /></RequireAuth>} />
          <Route path="registrations/:id/payment-cancelled" element={<RequireAuth><PaymentCancelledPage /></RequireAuth>} />
          <Route path="organizer" element={<RequireAuth role="organizer"><OrganizerHome /></RequireAuth>} />
          <Route path="organizer/events/new" element={<RequireAuth role="organizer"><NewEventPage /></RequireAuth>} />
          <Route path="organizer/events/:id" element={<RequireAuth role="organizer"><OrganizerEventLayout /></RequireAuth>}>
            <Route index element={<OverviewTab />} />
            <Route path="edit" element={<EditTab />} />
            <Route path="registrations" element={<RegistrationsTab />} />
            <Route path="promo-codes" element={<PromoCodesTab />} />
            <Route path="door" element={<DoorTab />} />
          </Route>
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
