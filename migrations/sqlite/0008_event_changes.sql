-- PostgreSQL nodes announce event changes to each other (LISTEN/NOTIFY, see the
-- postgres twin of this migration). SQLite serves one node, whose in-memory copies learn
-- of every change directly: nothing to add here; the number keeps both schemas in step.
SELECT 1;
