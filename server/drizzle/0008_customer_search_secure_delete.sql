-- GDPR: deleting a customer's search entry (pseudonymisation, merge, delete) must remove the old
-- words from the FTS5 segments at once, not whenever segments happen to merge (SQLite ≥ 3.44).
INSERT INTO `customer_search` (`customer_search`, `rank`) VALUES ('secure-delete', 1);
