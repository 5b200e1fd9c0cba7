-- Brings databases that ran an early draft of 0005 to its final shape: that draft kept FTS5 in
-- step through triggers on customer_search_rows, which would now write every entry twice (the
-- application writes the index itself), and its triggers on customers relied on them. The
-- triggers are recreated as 0005 has them and the index rebuilt from its content, so either way
-- every database ends up the same. Where 0005 ran as committed this changes nothing.
DROP TRIGGER IF EXISTS `customer_search_rows_ai`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `customer_search_rows_ad`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `customer_search_rows_au`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `customers_search_owner`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `customers_search_deleted`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `customers_search_removed`;
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
--> statement-breakpoint
INSERT INTO `customer_search` (`customer_search`) VALUES ('rebuild');
