import { useParams, useSearchParams } from 'react-router';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import { isApiError } from '@/lib/api';
import { useMe } from '@/lib/auth';
import { EventDetail } from '@/features/events/EventDetail';
import { useEvent } from '@/features/events/api';
import { RegisterPanel } from '@/features/registrations/RegisterPanel';

/** /events/:id[?promo_code=X] — the event with its tickets and the registration form. */
export function EventRoute() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const promo = params.get('promo_code') ?? '';
  const me = useMe();
  const base = useEvent(id);
  const withPromo = useEvent(id, promo);
  const promoFailed = !!promo && withPromo.isError;
  const event = (promo && !promoFailed ? withPromo.data : undefined) ?? base.data;

  if (base.isPending && !event) return <Loading label="Loading event…" />;
  if (!event) {
    return (
      <section className="page narrow">
        <title>{'Event not found · admit'}</title>
        <h1>Event</h1>
        {isApiError(base.error) && base.error.status === 404 ? (
          <p>We couldn&apos;t find this event. It may have been removed.</p>
        ) : (
          <ErrorMessage error={base.error} />
        )}
      </section>
    );
  }
  return (
    <EventDetail event={event}>
      <RegisterPanel
        event={event}
        user={me.data ?? null}
        promo={promo}
        promoError={promoFailed ? withPromo.error : undefined}
        promoPending={!!promo && withPromo.isFetching}
        onApplyPromo={(code) => {
          const next = new URLSearchParams(params);
          if (code) next.set('promo_code', code);
          else next.delete('promo_code');
          setParams(next, { replace: true });
        }}
      />
    </EventDetail>
  );
}
