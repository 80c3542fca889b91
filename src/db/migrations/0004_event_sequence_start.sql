-- The event counter starts where the stored events end, so ids keep growing across this migration.
INSERT INTO `event_sequence` (`id`, `last_value`) SELECT 1, coalesce(max(`id`), 0) FROM `order_events`;
