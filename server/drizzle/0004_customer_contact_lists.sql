ALTER TABLE `customers` DROP COLUMN `phone`;--> statement-breakpoint
ALTER TABLE `customers` DROP COLUMN `email`;--> statement-breakpoint
ALTER TABLE `customers` DROP COLUMN `street`;--> statement-breakpoint
ALTER TABLE `customers` DROP COLUMN `zip`;--> statement-breakpoint
ALTER TABLE `customers` DROP COLUMN `city`;