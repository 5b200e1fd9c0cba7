CREATE TABLE `consents` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`type` text NOT NULL,
	`given_on` text NOT NULL,
	`withdrawn_on` text,
	`note` text,
	`document_id` text,
	`owner_rep_id` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`rev` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consents_owner_idx` ON `consents` (`owner_rep_id`,`id`);--> statement-breakpoint
CREATE INDEX `consents_rev_idx` ON `consents` (`rev`);--> statement-breakpoint
CREATE INDEX `consents_customer_idx` ON `consents` (`customer_id`);--> statement-breakpoint
CREATE TABLE `counters` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `customer_contact_keys` (
	`customer_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customer_contact_keys_value_idx` ON `customer_contact_keys` (`kind`,`value`);--> statement-breakpoint
CREATE INDEX `customer_contact_keys_customer_idx` ON `customer_contact_keys` (`customer_id`);--> statement-breakpoint
CREATE TABLE `customer_imports` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`file_name` text NOT NULL,
	`owner_rep_id` text,
	`status` text NOT NULL,
	`rows` text NOT NULL,
	`summary` text NOT NULL,
	`created_at` text NOT NULL,
	`committed_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `customer_relations` (
	`id` text PRIMARY KEY NOT NULL,
	`pair_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`type` text NOT NULL,
	`related_customer_id` text,
	`person` text,
	`valid_from` text,
	`valid_to` text,
	`owner_rep_id` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`rev` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`related_customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customer_relations_owner_idx` ON `customer_relations` (`owner_rep_id`,`id`);--> statement-breakpoint
CREATE INDEX `customer_relations_rev_idx` ON `customer_relations` (`rev`);--> statement-breakpoint
CREATE INDEX `customer_relations_customer_idx` ON `customer_relations` (`customer_id`);--> statement-breakpoint
CREATE INDEX `customer_relations_pair_idx` ON `customer_relations` (`pair_id`);--> statement-breakpoint
CREATE INDEX `customer_relations_related_idx` ON `customer_relations` (`related_customer_id`);--> statement-breakpoint
CREATE TABLE `notes` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`kind` text NOT NULL,
	`direction` text,
	`occurred_at` text NOT NULL,
	`duration_minutes` integer,
	`subject` text,
	`text` text NOT NULL,
	`follow_up_on` text,
	`assignee_id` text,
	`follow_up_done_at` text,
	`author_id` text NOT NULL,
	`owner_rep_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`rev` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignee_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notes_owner_idx` ON `notes` (`owner_rep_id`,`id`);--> statement-breakpoint
CREATE INDEX `notes_rev_idx` ON `notes` (`rev`);--> statement-breakpoint
CREATE INDEX `notes_customer_idx` ON `notes` (`customer_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `notes_follow_up_idx` ON `notes` (`follow_up_on`);--> statement-breakpoint
CREATE TABLE `relation_types` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`reverse_code` text NOT NULL,
	`household` integer DEFAULT false NOT NULL,
	`sort` integer DEFAULT 0 NOT NULL,
	`rev` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE `customer_field_history` ADD `entity` text DEFAULT 'customer' NOT NULL;--> statement-breakpoint
ALTER TABLE `customer_field_history` ADD `entity_id` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `customer_no` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `kind` text DEFAULT 'person' NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `status` text DEFAULT 'prospect' NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `salutation` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `title` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `birth_name` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `nationality` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `marital_status` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `occupation` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `employer` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `addresses` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `phones` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `emails` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `bank_accounts` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `tags` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `remarks` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `restricted_at` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `pseudonymised_at` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `merged_into_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `customers_customer_no_idx` ON `customers` (`customer_no`);--> statement-breakpoint
CREATE INDEX `customers_birth_date_idx` ON `customers` (`birth_date`);--> statement-breakpoint
UPDATE `customers` SET
	`phones` = CASE WHEN `phone` IS NULL THEN '[]' ELSE json_array(json_object('type', 'mobile', 'number', `phone`)) END,
	`emails` = CASE WHEN `email` IS NULL THEN '[]' ELSE json_array(json_object('type', 'private', 'address', `email`)) END,
	`addresses` = CASE WHEN coalesce(`street`, `zip`, `city`) IS NULL THEN '[]' ELSE json_array(json_object('type', 'home', 'street', coalesce(`street`, ''), 'zip', coalesce(`zip`, ''), 'city', coalesce(`city`, ''), 'country', 'DE')) END;
--> statement-breakpoint
UPDATE `customers` SET `customer_no` = 'K-' || printf('%06d', n.rn)
	FROM (SELECT `id`, row_number() OVER (ORDER BY `created_at`, `id`) AS rn FROM `customers`) AS n
	WHERE n.`id` = `customers`.`id`;
--> statement-breakpoint
INSERT INTO `counters` (`name`, `value`) SELECT 'customerNo', count(*) FROM `customers`;
--> statement-breakpoint
INSERT INTO `relation_types` (`code`, `name`, `reverse_code`, `household`, `sort`, `rev`) VALUES
	('spouse', 'Ehepartner', 'spouse', 1, 10, 0),
	('civil_partner', 'Eingetragener Lebenspartner', 'civil_partner', 1, 20, 0),
	('partner', 'Lebensgefährte', 'partner', 1, 30, 0),
	('child', 'Kind', 'parent', 1, 40, 0),
	('parent', 'Elternteil', 'child', 1, 50, 0),
	('sibling', 'Geschwister', 'sibling', 0, 60, 0),
	('grandchild', 'Enkel', 'grandparent', 0, 70, 0),
	('grandparent', 'Großelternteil', 'grandchild', 0, 80, 0),
	('employer', 'Arbeitgeber', 'employee', 0, 90, 0),
	('employee', 'Arbeitnehmer', 'employer', 0, 100, 0),
	('managing_director', 'Geschäftsführer', 'company_of', 0, 110, 0),
	('company_of', 'Firma (Geschäftsführung)', 'managing_director', 0, 120, 0),
	('other', 'Sonstige Beziehung', 'other', 0, 130, 0);
