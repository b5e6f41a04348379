import { useTranslation } from 'react-i18next';
import { ErrorMessage, Loading } from '@/components/ErrorMessage';
import type { Event } from '@/lib/api';
import { formatDayOfYear, formatMoney, formatNumber, formatPercent } from '@/lib/format';
import { useEventStats } from './api';

export function StatsPanel({ event }: { event: Event }) {
  const { t } = useTranslation();
  const stats = useEventStats(event.id);
  if (stats.isPending) return <Loading label={t('organizer.stats.loading')} />;
  if (stats.isError) return <ErrorMessage error={stats.error} />;
  const s = stats.data;
  const currency = event.currency;
  const maxDay = Math.max(1, ...s.sales_by_day.map((d) => d.tickets));
  const pct = s.capacity > 0 ? Math.round((s.sold / s.capacity) * 100) : 0;
  return (
    <section aria-labelledby="stats-h" className="stats">
      <h2 id="stats-h">{t('organizer.stats.title')}</h2>
      <dl className="stat-cards">
        <div className="stat">
          <dt>{t('organizer.stats.sold')}</dt>
          <dd>
            {formatNumber(s.sold)} <span className="hint">{t('organizer.stats.ofTotal', { total: formatNumber(s.capacity) })}</span>
          </dd>
          <div className="meter" role="img" aria-label={t('organizer.stats.percentSold', { percent: formatPercent(pct) })}>
            <span style={{ width: `${pct}%` }} />
          </div>
        </div>
        <div className="stat">
          <dt>{t('organizer.stats.remaining')}</dt>
          <dd>{formatNumber(s.remaining)}</dd>
        </div>
        <div className="stat">
          <dt>{t('organizer.stats.revenue')}</dt>
          <dd>{formatMoney(s.revenue, currency)}</dd>
        </div>
        <div className="stat">
          <dt>{t('organizer.stats.checkedIn')}</dt>
          <dd>
            {formatNumber(s.checked_in)} <span className="hint">{t('organizer.stats.ofTotal', { total: formatNumber(s.sold) })}</span>
          </dd>
        </div>
      </dl>
      <h3>{t('organizer.stats.byType')}</h3>
      <div className="table-wrap">
        <table className="stack-sm">
          <thead>
            <tr>
              <th scope="col">{t('organizer.stats.type')}</th>
              <th scope="col" className="num">{t('organizer.stats.sold')}</th>
              <th scope="col" className="num">{t('organizer.stats.remaining')}</th>
              <th scope="col" className="num">{t('organizer.stats.revenue')}</th>
              <th scope="col" className="num">{t('organizer.stats.checkedIn')}</th>
            </tr>
          </thead>
          <tbody>
            {s.by_ticket_type.map((tt) => (
              <tr key={tt.ticket_type_id}>
                <th scope="row">{tt.name}</th>
                <td className="num" data-label={t('organizer.stats.sold')}>
                  {t('organizer.pages.soldOf', { sold: formatNumber(tt.sold), capacity: formatNumber(tt.capacity) })}
                </td>
                <td className="num" data-label={t('organizer.stats.remaining')}>
                  {formatNumber(tt.remaining)}
                </td>
                <td className="num" data-label={t('organizer.stats.revenue')}>
                  {formatMoney(tt.revenue, currency)}
                </td>
                <td className="num" data-label={t('organizer.stats.checkedIn')}>
                  {formatNumber(tt.checked_in)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{t('organizer.stats.byDay')}</h3>
      {s.sales_by_day.length === 0 ? (
        <p className="empty">{t('organizer.stats.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="bars">
            <thead>
              <tr>
                <th scope="col">{t('organizer.stats.day')}</th>
                <th scope="col" className="num">{t('organizer.stats.tickets')}</th>
                <th scope="col" className="num">{t('organizer.stats.revenue')}</th>
                <th scope="col" aria-hidden="true"></th>
              </tr>
            </thead>
            <tbody>
              {s.sales_by_day.map((d) => (
                <tr key={d.date}>
                  <th scope="row" className="nowrap">
                    <time dateTime={d.date}>{dayLabel(d.date)}</time>
                  </th>
                  <td className="num">{formatNumber(d.tickets)}</td>
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
  return formatDayOfYear(d);
}
