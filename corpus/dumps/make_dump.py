"""Generate a mysqldump-shaped MySQL dump (deterministic): ``python make_dump.py [KB] > out.sql``.

Shaped like real ``mysqldump`` output: version-gated ``/*!40101 ... */`` settings saved and
restored, ``DROP TABLE IF EXISTS``, ``CREATE TABLE`` with ``AUTO_INCREMENT``, inline ``KEY`` /
``UNIQUE KEY``, ``ENGINE``/``CHARSET`` options, ``LOCK TABLES`` + ``DISABLE KEYS`` around
multi-row extended INSERTs (text with quotes, backslashes, multibyte characters and NULLs,
negative decimals, datetimes, 0/1 flags, ENUM values), then ``ALTER TABLE ... ADD CONSTRAINT
... FOREIGN KEY`` and ``CREATE INDEX`` at the end (as phpMyAdmin-style exports do).
The corpus keeps the small sample ``sample.sql`` (``make_dump.py 40``); tests/test_dump.py
loads it on the three engines, benchmarks/bench_dump.py times larger ones.
"""

from __future__ import annotations

import random
import sys

HEADER = """-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: localhost    Database: shop
-- ------------------------------------------------------
-- Server version\t8.0.36

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!50503 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;
"""

FOOTER = """/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2024-03-01 12:00:00
"""

TABLES = {
    "dump_customers": """CREATE TABLE `dump_customers` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `email` varchar(100) NOT NULL,
  `name` varchar(80) DEFAULT NULL,
  `active` tinyint(1) NOT NULL DEFAULT '1',
  `tier` enum('free','pro','team') NOT NULL DEFAULT 'free',
  `balance` decimal(12,2) DEFAULT NULL,
  `created_at` datetime NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `email` (`email`),
  KEY `tier` (`tier`)
) ENGINE=InnoDB AUTO_INCREMENT={next} DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;""",
    "dump_products": """CREATE TABLE `dump_products` (
  `id` int NOT NULL AUTO_INCREMENT,
  `sku` char(8) NOT NULL,
  `title` varchar(120) NOT NULL,
  `description` text,
  `price` decimal(10,2) NOT NULL,
  `weight` double DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `sku` (`sku`)
) ENGINE=InnoDB AUTO_INCREMENT={next} DEFAULT CHARSET=utf8mb4;""",
    "dump_orders": """CREATE TABLE `dump_orders` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `customer_id` int unsigned NOT NULL,
  `status` varchar(20) NOT NULL DEFAULT 'new',
  `ordered_at` datetime NOT NULL,
  `note` varchar(200) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `customer_id` (`customer_id`)
) ENGINE=InnoDB AUTO_INCREMENT={next} DEFAULT CHARSET=utf8mb4;""",
    "dump_order_items": """CREATE TABLE `dump_order_items` (
  `order_id` bigint NOT NULL,
  `line` smallint NOT NULL,
  `product_id` int NOT NULL,
  `quantity` int NOT NULL,
  `unit_price` decimal(10,2) NOT NULL,
  PRIMARY KEY (`order_id`,`line`),
  KEY `product_id` (`product_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;""",
}

CONSTRAINTS = """
--
-- Constraints for dumped tables
--

ALTER TABLE `dump_orders`
  ADD CONSTRAINT `dump_orders_ibfk_1` FOREIGN KEY (`customer_id`) REFERENCES `dump_customers` (`id`);

ALTER TABLE `dump_order_items`
  ADD CONSTRAINT `dump_order_items_ibfk_1` FOREIGN KEY (`order_id`) REFERENCES `dump_orders` (`id`) ON DELETE CASCADE,
  ADD CONSTRAINT `dump_order_items_ibfk_2` FOREIGN KEY (`product_id`) REFERENCES `dump_products` (`id`);

CREATE INDEX `ordered_at` ON `dump_orders` (`ordered_at`, `status`);

"""

WORDS = [
    "alpha",
    "Émile",
    "naïve",
    "日本",
    "straße",
    "O'Brien",
    "back\\slash",
    "emoji 🎉",
    "tab\there",
    'quote "x"',
    "percent %",
    "semi;colon",
    "-- not a comment",
    "/* nor this */",
]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _quote(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\t", "\\t")
        return f"'{escaped}'"
    return str(value)


def _rows(rng: random.Random, kb: int) -> dict[str, list[tuple[object, ...]]]:
    n_customers = max(20, kb * 3)
    n_products = max(10, kb)
    n_orders = max(20, kb * 3)
    customers = [
        (
            i,
            f"user{i}@example.com",
            None if i % 17 == 0 else _text(rng, 2),
            int(i % 5 != 0),
            ("free", "pro", "team")[i % 3],
            None if i % 11 == 0 else f"{rng.randint(-99999, 999999) / 100:.2f}",
            f"2023-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}",
        )
        for i in range(1, n_customers + 1)
    ]
    products = [
        (
            i,
            f"SKU{i:05d}",
            _text(rng, 3),
            None if i % 7 == 0 else _text(rng, 12),
            f"{rng.randint(1, 99999) / 100:.2f}",
            None if i % 5 == 0 else rng.randint(1, 10_000) / 8,
        )
        for i in range(1, n_products + 1)
    ]
    orders = [
        (
            i,
            rng.randint(1, n_customers),
            rng.choice(["new", "paid", "shipped", "cancelled"]),
            f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} 10:{i % 60:02d}:00",
            None if i % 3 else _text(rng, 4),
        )
        for i in range(1, n_orders + 1)
    ]
    items = [
        (
            o,
            line,
            rng.randint(1, n_products),
            rng.randint(1, 5),
            f"{rng.randint(1, 9999) / 100:.2f}",
        )
        for o in range(1, n_orders + 1)
        for line in range(1, 1 + (o % 4) + 1)
    ]
    return {
        "dump_customers": customers,
        "dump_products": products,
        "dump_orders": orders,
        "dump_order_items": items,
    }


def make_dump(
    kb: int = 40, seed: int = 7, rows_per_insert: int = 50, insert_bytes: int | None = None
) -> str:
    """A dump of roughly ``kb`` kilobytes; each INSERT holds ``rows_per_insert`` rows, or
    with ``insert_bytes`` as many as fit in that many bytes, as mysqldump packs them (its
    ``--net-buffer-length``, 1 MB by default)."""
    rng = random.Random(seed)
    data = _rows(rng, kb)
    parts = [HEADER]
    for table, create in TABLES.items():
        rows = data[table]
        parts.append(f"\n--\n-- Table structure for table `{table}`\n--\n\n")
        parts.append(f"DROP TABLE IF EXISTS `{table}`;\n")
        parts.append("/*!40101 SET @saved_cs_client     = @@character_set_client */;\n")
        parts.append("/*!50503 SET character_set_client = utf8mb4 */;\n")
        parts.append(create.replace("{next}", str(len(rows) + 1)) + "\n")
        parts.append("/*!40101 SET character_set_client = @saved_cs_client */;\n")
        parts.append(f"\n--\n-- Dumping data for table `{table}`\n--\n\n")
        parts.append(f"LOCK TABLES `{table}` WRITE;\n")
        parts.append(f"/*!40000 ALTER TABLE `{table}` DISABLE KEYS */;\n")
        written = ["(" + ",".join(_quote(v) for v in row) + ")" for row in rows]
        for values in _packed(written, rows_per_insert, insert_bytes):
            parts.append(f"INSERT INTO `{table}` VALUES {','.join(values)};\n")
        parts.append(f"/*!40000 ALTER TABLE `{table}` ENABLE KEYS */;\n")
        parts.append("UNLOCK TABLES;\n")
    parts.append(CONSTRAINTS)
    parts.append(FOOTER)
    return "".join(parts)


def _packed(rows: list[str], count: int, size: int | None) -> list[list[str]]:
    """``rows`` in INSERTs of ``count`` rows, or of up to ``size`` bytes each."""
    if size is None:
        return [rows[start : start + count] for start in range(0, len(rows), count)]
    packs: list[list[str]] = [[]]
    used = 0
    for row in rows:
        if packs[-1] and used + len(row) + 1 > size:
            packs.append([])
            used = 0
        packs[-1].append(row)
        used += len(row) + 1
    return [p for p in packs if p]


TABLE_NAMES = tuple(TABLES)
KEYS = {
    "dump_customers": "id",
    "dump_products": "id",
    "dump_orders": "id",
    "dump_order_items": "order_id, line",
}

if __name__ == "__main__":
    sys.stdout.write(make_dump(int(sys.argv[1]) if len(sys.argv) > 1 else 40))
