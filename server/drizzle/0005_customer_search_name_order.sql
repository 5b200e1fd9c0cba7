-- The customer search index in name order. customer_search_rows is the index's content: one row
-- per searchable customer, its search rowid encoding the name order (see customer-search.service.ts),
-- so FTS5 hands out matches already sorted by name and a page stops early instead of ranking every
-- match. The owner is kept in step with customers by triggers, so scope filtering never trusts a
-- stale row. The server fills the new index at start (ensureCustomerSearch).
DROP TABLE IF EXISTS `customer_search`;
--> statement-breakpoint
CREATE TABLE `customer_search_rows` (
	`search_rowid` integer PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`sort_key` text NOT NULL,
	`owner_rep_id` text NOT NULL,
	`words` text NOT NULL,
	`phonetic` text NOT NULL,
	`owner` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customer_search_rows_customer_idx` ON `customer_search_rows` (`customer_id`);
--> statement-breakpoint
CREATE INDEX `customer_search_rows_sort_idx` ON `customer_search_rows` (`sort_key`, `customer_id`);
--> statement-breakpoint
CREATE VIRTUAL TABLE `customer_search` USING fts5(`words`, `phonetic`, `owner`, content = 'customer_search_rows', content_rowid = 'search_rowid', tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
--> statement-breakpoint
CREATE TRIGGER `customer_search_rows_ai` AFTER INSERT ON `customer_search_rows` BEGIN
	INSERT INTO `customer_search` (rowid, words, phonetic, owner) VALUES (NEW.search_rowid, NEW.words, NEW.phonetic, NEW.owner);
END;
--> statement-breakpoint
CREATE TRIGGER `customer_search_rows_ad` AFTER DELETE ON `customer_search_rows` BEGIN
	INSERT INTO `customer_search` (customer_search, rowid, words, phonetic, owner) VALUES ('delete', OLD.search_rowid, OLD.words, OLD.phonetic, OLD.owner);
END;
--> statement-breakpoint
CREATE TRIGGER `customer_search_rows_au` AFTER UPDATE ON `customer_search_rows` BEGIN
	INSERT INTO `customer_search` (customer_search, rowid, words, phonetic, owner) VALUES ('delete', OLD.search_rowid, OLD.words, OLD.phonetic, OLD.owner);
	INSERT INTO `customer_search` (rowid, words, phonetic, owner) VALUES (NEW.search_rowid, NEW.words, NEW.phonetic, NEW.owner);
END;
--> statement-breakpoint
CREATE TRIGGER `customers_search_owner` AFTER UPDATE OF `owner_rep_id` ON `customers` BEGIN
	UPDATE `customer_search_rows` SET owner_rep_id = NEW.owner_rep_id, owner = 'o' || lower(replace(NEW.owner_rep_id, '-', '')) WHERE customer_id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER `customers_search_deleted` AFTER UPDATE OF `deleted_at` ON `customers` WHEN NEW.deleted_at IS NOT NULL BEGIN
	DELETE FROM `customer_search_rows` WHERE customer_id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER `customers_search_removed` AFTER DELETE ON `customers` BEGIN
	DELETE FROM `customer_search_rows` WHERE customer_id = OLD.id;
END;
