CREATE TABLE `event_sequence` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_value` integer NOT NULL
);
