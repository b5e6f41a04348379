-- Door staff (issue 12): door tokens may expire, and the organizer decides whether door
-- tokens may undo a check-in. Times are integer milliseconds (UTC).

-- When the token stops working (NULL: until revoked). An expired token answers 401 like a
-- revoked one; it stays in the owner's token list so the expiry can be seen.
ALTER TABLE api_tokens ADD COLUMN expires_at {{integer}};

-- 1: a door token of the event may undo a check-in; 0 (the default): organizers only.
ALTER TABLE events ADD COLUMN door_staff_can_undo INTEGER NOT NULL DEFAULT 0;
