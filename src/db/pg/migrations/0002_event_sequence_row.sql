-- The one row of the order event counter (see event_sequence in schema.ts): no event handed out yet.
INSERT INTO "event_sequence" ("id", "last_value") VALUES (1, 0) ON CONFLICT DO NOTHING;
