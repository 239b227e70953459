-- Input of the trace "sqlite": an in-memory database built, indexed and queried by sqlite3's CLI.
-- Deterministic: rows come from recursive CTEs over integers (no random(), no clock).
CREATE TABLE person(id INTEGER PRIMARY KEY, name TEXT, city TEXT, age INT, bio TEXT);
CREATE TABLE purchase(id INTEGER PRIMARY KEY, person INT, item TEXT, price REAL, note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
INSERT INTO person SELECT i, 'name' || (i * 7919 % 30011), 'city' || (i % 97), 18 + i % 60,
    substr(hex(zeroblob(40 + i % 200)), 1, 40 + (i * 31) % 300) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 90000)
INSERT INTO purchase SELECT i, 1 + (i * 104729) % 30000, 'item' || (i % 1013), (i % 997) / 7.0,
    printf('%.*c', 1 + i % 120, 'x') FROM n;
CREATE INDEX person_city ON person(city, age);
CREATE INDEX purchase_person ON purchase(person);
CREATE INDEX purchase_item ON purchase(item, price);
SELECT city, count(*), avg(age) FROM person GROUP BY city ORDER BY 2 DESC LIMIT 5;
SELECT p.name, sum(u.price) AS total FROM person p JOIN purchase u ON u.person = p.id
    GROUP BY p.id ORDER BY total DESC LIMIT 5;
SELECT item, count(DISTINCT person), max(price) FROM purchase GROUP BY item ORDER BY 2 DESC LIMIT 5;
UPDATE person SET bio = bio || bio WHERE id % 3 = 0;
DELETE FROM purchase WHERE price < 20;
SELECT count(*), sum(length(bio)) FROM person;
SELECT group_concat(name, ',') IS NOT NULL FROM (SELECT name FROM person ORDER BY name LIMIT 2000);
VACUUM;
SELECT count(*) FROM purchase WHERE item LIKE 'item1%';
