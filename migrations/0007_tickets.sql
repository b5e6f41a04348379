-- Tickets (issue 11): issuing (signed QR codes, PDF, confirmation mail) and attachments on
-- outgoing mail. Times are integer milliseconds (UTC).

-- A confirmed registration is issued once: its tickets get their signed codes (tickets.qr),
-- its PDF is stored in the blob store under tickets/<registration id>.pdf and its mail is
-- queued, in one transaction that sets tickets_issued_at (and tickets_mailed_at when the
-- mail was queued). The issuer finds what is left to do through the partial index, so a
-- crash between confirmation and issuing only delays it.
ALTER TABLE registrations ADD COLUMN tickets_issued_at {{integer}};
ALTER TABLE registrations ADD COLUMN tickets_mailed_at {{integer}};
CREATE INDEX registrations_unissued ON registrations(created_at)
  WHERE status = 'confirmed' AND tickets_issued_at IS NULL;

-- Mail attachments as a JSON array of {filename, content_type, blob} (a blob store key,
-- read when sending) or {filename, content_type, text} (small text such as an .ics).
ALTER TABLE outbox ADD COLUMN attachments TEXT NOT NULL DEFAULT '';
