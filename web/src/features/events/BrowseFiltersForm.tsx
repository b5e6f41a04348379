import { useTranslation } from 'react-i18next';
import { useEffect, useState, type FormEvent } from 'react';
import type { Category } from '@/lib/api';
import { categoryLabel } from '@/lib/categories';
import { emptyFilters, type BrowseFilters } from './api';

/**
 * Category, date range and text search. Category and dates apply at once; the text
 * applies on submit (Enter or the Search button).
 */
export function BrowseFiltersForm({
  value,
  categories,
  onChange,
}: {
  value: BrowseFilters;
  categories: Category[];
  onChange: (next: BrowseFilters) => void;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState(value.q);
  useEffect(() => setQ(value.q), [value.q]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onChange({ ...value, q: q.trim() });
  };
  const active = value.category || value.from || value.to || value.q;

  return (
    <form className="filters" role="search" aria-label={t('events.filterLabel')} onSubmit={submit}>
      <div className="field filter-q">
        <label htmlFor="filter-q">{t('events.search')}</label>
        <div className="input-with-button">
          <input
            id="filter-q"
            type="search"
            name="q"
            placeholder={t('events.searchPlaceholder')}
            value={q}
            maxLength={200}
            onChange={(e) => setQ(e.target.value)}
          />
          <button type="submit" className="btn btn-primary">
            {t('events.search')}
          </button>
        </div>
      </div>
      <div className="field">
        <label htmlFor="filter-category">{t('events.category')}</label>
        <select
          id="filter-category"
          name="category"
          value={value.category}
          onChange={(e) => onChange({ ...value, q: q.trim(), category: e.target.value })}
        >
          <option value="">{t('events.allCategories')}</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {categoryLabel(categories, c.id)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-from">{t('events.from')}</label>
        <input
          id="filter-from"
          type="date"
          name="from"
          value={value.from}
          max={value.to || undefined}
          onChange={(e) => onChange({ ...value, q: q.trim(), from: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor="filter-to">{t('events.to')}</label>
        <input
          id="filter-to"
          type="date"
          name="to"
          value={value.to}
          min={value.from || undefined}
          onChange={(e) => onChange({ ...value, q: q.trim(), to: e.target.value })}
        />
      </div>
      {active && (
        <div className="field filter-clear">
          <button
            type="button"
            className="btn btn-link"
            onClick={() => {
              setQ('');
              onChange(emptyFilters);
            }}
          >
            {t('events.clearFilters')}
          </button>
        </div>
      )}
    </form>
  );
}
