const LABELS: Record<string, string> = {
  draft: 'Draft',
  published: 'Published',
  cancelled: 'Cancelled',
  confirmed: 'Confirmed',
  pending_payment: 'Awaiting payment',
  expired: 'Expired',
  refunded: 'Refunded',
  valid: 'Valid',
  checked_in: 'Checked in',
  waiting: 'Waiting',
  offered: 'Offer open',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{LABELS[status] ?? status}</span>;
}
