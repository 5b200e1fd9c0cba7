-- The customer search index in name order. customer_search_rows is the index's content: one row
-- per searchable customer, its search rowid (label) following the name order (see
-- customer-search.service.ts), so FTS5 hands out matches already sorted by name and a page stops
-- early instead of ranking every match. The application writes both tables (FTS5 flushes at every
-- trigger savepoint, which makes bulk writes through triggers slow). Triggers on customers keep the
-- owner and membership exact even for a write path that does not re-index, so scope filtering
-- never trusts a stale row. The server fills the new index at start (ensureCustomerSearch).
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
CREATE TRIGGER `customers_search_owner` AFTER UPDATE OF `owner_rep_id` ON `customers` WHEN OLD.owner_rep_id IS NOT NEW.owner_rep_id BEGIN
	INSERT INTO `customer_search` (customer_search, rowid, words, phonetic, owner) SELECT 'delete', search_rowid, words, phonetic, owner FROM `customer_search_rows` WHERE customer_id = NEW.id;
	UPDATE `customer_search_rows` SET owner_rep_id = NEW.owner_rep_id, owner = 'o' || lower(replace(NEW.owner_rep_id, '-', '')) WHERE customer_id = NEW.id;
	INSERT INTO `customer_search` (rowid, words, phonetic, owner) SELECT search_rowid, words, phonetic, owner FROM `customer_search_rows` WHERE customer_id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER `customers_search_deleted` AFTER UPDATE OF `deleted_at` ON `customers` WHEN NEW.deleted_at IS NOT NULL BEGIN
	INSERT INTO `customer_search` (customer_search, rowid, words, phonetic, owner) SELECT 'delete', search_rowid, words, phonetic, owner FROM `customer_search_rows` WHERE customer_id = NEW.id;
	DELETE FROM `customer_search_rows` WHERE customer_id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER `customers_search_removed` AFTER DELETE ON `customers` BEGIN
	INSERT INTO `customer_search` (customer_search, rowid, words, phonetic, owner) SELECT 'delete', search_rowid, words, phonetic, owner FROM `customer_search_rows` WHERE customer_id = OLD.id;
	DELETE FROM `customer_search_rows` WHERE customer_id = OLD.id;
END;
