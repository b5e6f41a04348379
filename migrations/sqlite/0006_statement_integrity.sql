-- Issue 15 replaced PostgreSQL's foreign keys on registrations, registration_items and
-- tickets with statement-level triggers (migrations/postgres/0006, same rules, one check
-- per statement instead of one per row). SQLite keeps its foreign keys: there a check is
-- an in-process B-tree look-up on a page the batch already holds, not a trigger running
-- a query, and it never showed in the writer's profile. This migration only keeps the
-- version numbers of the two backends the same.
SELECT 1;
