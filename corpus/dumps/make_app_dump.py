"""Generate an application's MySQL dump (deterministic): ``python make_app_dump.py [ROWS]``.

What the sample databases people actually move hold besides tables and rows (the classes
Sakila's dump showed, written here from scratch): ``SQL_MODE='TRADITIONAL'``, tables that
reference each other (foreign keys inline, created in name order with
``FOREIGN_KEY_CHECKS=0``), ``ON UPDATE CURRENT_TIMESTAMP`` and ``DATETIME(3)`` columns, a SET
column, a BLOB written as a string with MySQL escapes, ``SET autocommit=0`` ... ``COMMIT``
around each table's rows, explicit AUTO_INCREMENT ids, ``ALTER TABLE ... ENGINE=InnoDB``, a
view with mysqldump's ``ALGORITHM``/``DEFINER``/``SQL SECURITY`` header and database-qualified
names, and a trigger and a procedure between ``DELIMITER ;;`` lines (after the data, as
mysqldump writes them, so they change no loaded row). tests/test_dump.py loads it on the three
engines.
"""

from __future__ import annotations

import random
import sys

DATABASE = "appdb"
MEMBERS = ("email", "sms", "push")

SCHEMA = """-- MySQL dump of an application
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='TRADITIONAL' */;
CREATE DATABASE /*!32312 IF NOT EXISTS*/ `{database}` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;
USE `{database}`;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;

CREATE TABLE `app_accounts` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `name` varchar(40) NOT NULL,
  `owner_id` int unsigned DEFAULT NULL,
  `notify` set('email','sms','push') NOT NULL DEFAULT '',
  `avatar` blob,
  `created` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `touched` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`id`),
  KEY `idx_owner` (`owner_id`),
  CONSTRAINT `fk_account_owner` FOREIGN KEY (`owner_id`) REFERENCES `app_users` (`id`) ON DELETE SET NULL
) ENGINE=InnoDB AUTO_INCREMENT=1000 DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app_users` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `account_id` int unsigned NOT NULL,
  `email` varchar(80) NOT NULL,
  `last_update` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_email` (`email`),
  CONSTRAINT `fk_user_account` FOREIGN KEY (`account_id`) REFERENCES `app_accounts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

ALTER TABLE `app_users` ENGINE=InnoDB;

/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
"""

ROUTINES = """
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `app_users_bi` BEFORE INSERT ON `app_users` FOR EACH ROW BEGIN
  SET NEW.email = LOWER(NEW.email);
END */;;
CREATE DEFINER=`root`@`localhost` PROCEDURE `purge_accounts`(IN keep INT)
BEGIN
  DELETE FROM `{database}`.`app_accounts` WHERE id > keep;
  DROP TABLE `app_users`;
END ;;
DELIMITER ;

/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */
/*!50001 VIEW `app_account_users` AS select `a`.`id` AS `account`,`u`.`email` AS `email` from (`{database}`.`app_accounts` `a` join `{database}`.`app_users` `u` on((`u`.`account_id` = `a`.`id`))) */;
/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS;
"""


def _text(rng: random.Random, i: int) -> str:
    return rng.choice(["Ada", "Bo", "Chloé", "D'Arcy", "Eve"]) + f" {i}"


def _notify(rng: random.Random) -> str:
    chosen = [m for m in MEMBERS if rng.random() < 0.5]
    rng.shuffle(chosen)  # MySQL stores them in declaration order, once each
    return ",".join(chosen)


def make_dump(rows: int, database: str = DATABASE) -> str:
    """The dump, of ``rows`` accounts and users, of the database named ``database``."""
    rng = random.Random(7)
    out = [SCHEMA.format(database=database)]
    # the data part, as a file of its own would start (Sakila's do): checks off again
    out.append("SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0;\n")
    accounts = []
    for i in range(1, rows + 1):
        owner = str(i) if i % 3 else "NULL"
        avatar = rng.choice(["NULL", "'\\0\\Z\\'x'", "'png\\\\bytes'", "''"])
        created = f"2024-0{1 + i % 9}-1{i % 10} 0{i % 10}:15:00"
        touched = f"2024-02-0{1 + i % 9} 10:00:00.{i % 1000:03d}"
        name = _text(rng, i).replace("'", "\\'")
        accounts.append(f"({i},'{name}',{owner},'{_notify(rng)}',{avatar},'{created}','{touched}')")
    out.append("set autocommit=0;\n")
    out.append(f"INSERT INTO `app_accounts` VALUES {','.join(accounts)};\n")
    out.append("commit;\n")
    users = [
        f"({i},{1 + (i * 7) % rows},'user{i}@example.com','2024-03-0{1 + i % 9} 08:00:00')"
        for i in range(1, rows + 1)
    ]
    out.append("set autocommit=0;\n")
    out.append(f"INSERT INTO `app_users` VALUES {','.join(users)};\n")
    out.append("commit;\n")
    out.append(ROUTINES.format(database=database))
    return "".join(out)


if __name__ == "__main__":
    sys.stdout.write(make_dump(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
