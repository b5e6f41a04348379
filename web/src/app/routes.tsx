import { lazy, Suspense } from 'react';
import { Link, Route, Routes } from 'react-router';
import { Loading } from '@/components/ErrorMessage';
import { RequireAuth } from '@/lib/auth';
import { BrowsePage } from '@/features/events/BrowsePage';
import { SignInPage } from '@/features/auth/SignInPage';
import { SignUpPage } from '@/features/auth/SignUpPage';
import { CheckEmailPage } from '@/features/auth/CheckEmailPage';
import { VerifyPage } from '@/features/auth/VerifyPage';
import { ForgotPasswordPage } from '@/features/auth/ForgotPasswordPage';
import { ResetPasswordPage } from '@/features/auth/ResetPasswordPage';
import { RegistrationPage } from '@/features/registrations/RegistrationPage';
import { TicketsPage } from '@/features/registrations/TicketsPage';
import { PaymentCancelledPage, PaymentSuccessPage } from '@/features/registrations/PaymentReturnPages';
import { MyRegistrationsPage } from '@/features/registrations/MyRegistrationsPage';
import { EventRoute } from './EventRoute';
import { Layout } from './Layout';

// Pages most visitors never open load on demand.
const AccountPage = lazy(() => import('@/features/account/AccountPage').then((m) => ({ default: m.AccountPage })));
const organizer = () => import('./organizerRoutes');
const OrganizerHome = lazy(() => organizer().then((m) => ({ default: m.OrganizerHome })));
const NewEventPage = lazy(() => organizer().then((m) => ({ default: m.NewEventPage })));
const OrganizerEventLayout = lazy(() => organizer().then((m) => ({ default: m.OrganizerEventLayout })));
const OverviewTab = lazy(() => organizer().then((m) => ({ default: m.OverviewTab })));
const EditTab = lazy(() => organizer().then((m) => ({ default: m.EditTab })));
const RegistrationsTab = lazy(() => organizer().then((m) => ({ default: m.RegistrationsTab })));
const PromoCodesTab = lazy(() => organizer().then((m) => ({ default: m.PromoCodesTab })));

function NotFound() {
  return (
    <section className="page narrow">
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
          </Route>
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
