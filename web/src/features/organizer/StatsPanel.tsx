import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import type { Event } from '@/lib/api';
import { formatMoney } from '@/lib/money';
import { useEventStats } from './api';

export function StatsPanel({ event }: { event: Event }) {
  const stats = useEventStats(event.id);
  if (stats.isPending) return <Loading label="Loading figures…" />;
  if (stats.isError) return <ErrorMessage error={stats.error} />;
  const s = stats.data;
  const currency = event.currency;
  const maxDay = Math.max(1, ...s.sales_by_day.map((d) => d.tickets));
  const pct = s.capacity > 0 ? Math.round((s.sold / s.capacity) * 100) : 0;
  return (
    <section aria-labelledby="stats-h" className="stats">
      <h2 id="stats-h">Sales</h2>
      <dl className="stat-cards">
        <div className="stat">
          <dt>Sold</dt>
          <dd>
            {s.sold} <span className="hint">/ {s.capacity}</span>
          </dd>
          <div className="meter" role="img" aria-label={`${pct}% sold`}>
            <span style={{ width: `${pct}%` }} />
          </div>
        </div>
        <div className="stat">
          <dt>Remaining</dt>
          <dd>{s.remaining}</dd>
        </div>
        <div className="stat">
          <dt>Revenue</dt>
          <dd>{formatMoney(s.revenue, currency)}</dd>
        </div>
        <div className="stat">
          <dt>Checked in</dt>
          <dd>
            {s.checked_in} <span className="hint">/ {s.sold}</span>
          </dd>
        </div>
      </dl>
      <h3>By ticket type</h3>
      <div className="table-wrap">
        <table className="stack-sm">
          <thead>
            <tr>
              <th scope="col">Ticket type</th>
              <th scope="col" className="num">Sold</th>
              <th scope="col" className="num">Remaining</th>
              <th scope="col" className="num">Revenue</th>
              <th scope="col" className="num">Checked in</th>
            </tr>
          </thead>
          <tbody>
            {s.by_ticket_type.map((t) => (
              <tr key={t.ticket_type_id}>
                <th scope="row">{t.name}</th>
                <td className="num" data-label="Sold">
                  {t.sold} / {t.capacity}
                </td>
                <td className="num" data-label="Remaining">
                  {t.remaining}
                </td>
                <td className="num" data-label="Revenue">
                  {formatMoney(t.revenue, currency)}
                </td>
                <td className="num" data-label="Checked in">
                  {t.checked_in}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Sales by day</h3>
      {s.sales_by_day.length === 0 ? (
        <p className="empty">No sales yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="bars">
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col" className="num">Tickets</th>
                <th scope="col" className="num">Revenue</th>
                <th scope="col" aria-hidden="true"></th>
              </tr>
            </thead>
            <tbody>
              {s.sales_by_day.map((d) => (
                <tr key={d.date}>
                  <th scope="row" className="nowrap">
                    <time dateTime={d.date}>{dayLabel(d.date)}</time>
                  </th>
                  <td className="num">{d.tickets}</td>
                  <td className="num">{formatMoney(d.revenue, currency)}</td>
                  <td className="bar-cell" aria-hidden="true">
                    <span className="bar" style={{ width: `${(d.tickets / maxDay) * 100}%` }} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** `2026-11-25` (a UTC day from the server) as `Wed, 25 Nov`. */
function dayLabel(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(d);
}
