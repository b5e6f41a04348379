import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { BrowseFiltersForm } from './BrowseFiltersForm';
import { emptyFilters, filtersFromParams, filtersToParams, filtersToQuery } from './api';

const categories = [
  { id: 'music' as const, label: 'Music' },
  { id: 'sports' as const, label: 'Sports' },
];

describe('BrowseFiltersForm', () => {
  it('has a labelled control for every filter', () => {
    render(<BrowseFiltersForm value={emptyFilters} categories={categories} onChange={() => {}} />);
    expect(screen.getByRole('searchbox', { name: 'Search' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Category' })).toBeInTheDocument();
    expect(screen.getByLabelText('From')).toHaveAttribute('type', 'date');
    expect(screen.getByLabelText('To')).toHaveAttribute('type', 'date');
    expect(screen.getByRole('option', { name: 'All categories' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'Sports' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Clear filters' })).not.toBeInTheDocument();
  });

  it('applies a category at once', async () => {
    const onChange = vi.fn();
    render(<BrowseFiltersForm value={emptyFilters} categories={categories} onChange={onChange} />);
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Category' }), 'sports');
    expect(onChange).toHaveBeenLastCalledWith({ ...emptyFilters, category: 'sports' });
  });

  it('applies the text search on submit, trimmed', async () => {
    const onChange = vi.fn();
    render(<BrowseFiltersForm value={{ ...emptyFilters, category: 'music' }} categories={categories} onChange={onChange} />);
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search' }), '  jazz night ');
    expect(onChange).not.toHaveBeenCalled();
    await userEvent.keyboard('{Enter}');
    expect(onChange).toHaveBeenLastCalledWith({ ...emptyFilters, category: 'music', q: 'jazz night' });
  });

  it('applies dates and clears everything', async () => {
    const onChange = vi.fn();
    const { rerender } = render(<BrowseFiltersForm value={emptyFilters} categories={categories} onChange={onChange} />);
    const from = screen.getByLabelText('From');
    await userEvent.type(from, '2025-06-01');
    expect(onChange).toHaveBeenLastCalledWith({ ...emptyFilters, from: '2025-06-01' });
    rerender(
      <BrowseFiltersForm value={{ ...emptyFilters, from: '2025-06-01', q: 'x' }} categories={categories} onChange={onChange} />,
    );
    expect(screen.getByLabelText('To')).toHaveAttribute('min', '2025-06-01');
    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(onChange).toHaveBeenLastCalledWith(emptyFilters);
  });
});

describe('filters in the URL and the API query', () => {
  it('round-trips through URL params, dropping empty ones', () => {
    const f = { category: 'music', from: '2025-06-01', to: '', q: ' jazz ' };
    const p = filtersToParams(f);
    expect(p.toString()).toBe('category=music&from=2025-06-01&q=jazz');
    expect(filtersFromParams(p)).toEqual({ category: 'music', from: '2025-06-01', to: '', q: 'jazz' });
  });

  it('turns days into instants: from = start of day, to = start of the next day', () => {
    const q = filtersToQuery({ category: '', from: '2025-06-01', to: '2025-06-30', q: '' });
    expect(q.category).toBeUndefined();
    expect(new Date(q.from!).getTime()).toBe(new Date(2025, 5, 1).getTime());
    expect(new Date(q.to!).getTime()).toBe(new Date(2025, 6, 1).getTime());
  });
});
