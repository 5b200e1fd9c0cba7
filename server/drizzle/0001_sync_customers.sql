CREATE TABLE `quarantine` (
	`id` text PRIMARY KEY NOT NULL,
	`client_id` text NOT NULL,
	`user_id` text NOT NULL,
	`seq` integer NOT NULL,
	`name` text NOT NULL,
	`v` integer NOT NULL,
	`args` text,
	`code` text NOT NULL,
	`message` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `quarantine_user_idx` ON `quarantine` (`user_id`);--> statement-breakpoint
CREATE TABLE `sync_clients` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`last_seq` integer DEFAULT 0 NOT NULL,
	`next_cookie` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sync_clients_user_idx` ON `sync_clients` (`user_id`);--> statement-breakpoint
CREATE TABLE `sync_cookies` (
	`client_id` text NOT NULL,
	`cookie_id` integer NOT NULL,
	`rev` integer NOT NULL,
	`scope_hash` text NOT NULL,
	`fill` text,
	`at` text NOT NULL,
	PRIMARY KEY(`client_id`, `cookie_id`),
	FOREIGN KEY (`client_id`) REFERENCES `sync_clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `sync_mutations` (
	`client_id` text NOT NULL,
	`seq` integer NOT NULL,
	`mutation_id` text NOT NULL,
	`name` text NOT NULL,
	`v` integer NOT NULL,
	`status` text NOT NULL,
	`code` text,
	`message` text,
	`rev` integer,
	`at` text NOT NULL,
	PRIMARY KEY(`client_id`, `seq`),
	FOREIGN KEY (`client_id`) REFERENCES `sync_clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `sync_rev` (
	`id` integer PRIMARY KEY NOT NULL,
	`rev` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sync_scopes` (
	`hash` text PRIMARY KEY NOT NULL,
	`rep_ids` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `customer_field_history` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`field` text NOT NULL,
	`old_value` text,
	`new_value` text,
	`base_value` text,
	`overwritten` integer DEFAULT false NOT NULL,
	`user_id` text NOT NULL,
	`client_id` text,
	`mutation_id` text,
	`at` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customer_field_history_customer_idx` ON `customer_field_history` (`customer_id`,`at`);--> statement-breakpoint
CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`first_name` text NOT NULL,
	`last_name` text NOT NULL,
	`birth_date` text,
	`phone` text,
	`email` text,
	`street` text,
	`zip` text,
	`city` text,
	`owner_rep_id` text NOT NULL,
	`branch_id` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`rev` integer NOT NULL,
	FOREIGN KEY (`owner_rep_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customers_owner_idx` ON `customers` (`owner_rep_id`,`id`);--> statement-breakpoint
CREATE INDEX `customers_rev_idx` ON `customers` (`rev`);--> statement-breakpoint
CREATE INDEX `customers_name_idx` ON `customers` (`last_name`,`first_name`);