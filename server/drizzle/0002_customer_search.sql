-- Full-text index over customers (names, contact, city) plus Kölner Phonetik codes of the names.
-- Rows share the rowid of their customer; the application maintains it (phonetic codes are computed in code).
CREATE VIRTUAL TABLE `customer_search` USING fts5(`words`, `phonetic`, tokenize = 'unicode61 remove_diacritics 2');
