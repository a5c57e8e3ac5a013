# A news site in the spirit of Lobsters, loaded as a MySQL dump writes it: backquoted names,
# display widths, UNIQUE keys, secondary and FULLTEXT indexes, ENGINE/CHARSET/COLLATE table
# options. Its pages read views (joins, GROUP BY, UNION, ORDER BY … LIMIT, views over views),
# mostly by a key, as an application's page queries do. Every page is compared with MariaDB
# after the seed data and again after each block of writes: votes, comments, edits,
# deletions, saves, hides, messages, and writes a unique key refuses.

-- setup
CREATE TABLE `users` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `username` varchar(50) COLLATE utf8mb4_general_ci NOT NULL,
  `email` varchar(100) COLLATE utf8mb4_general_ci NOT NULL,
  `karma` int(11) NOT NULL DEFAULT 0,
  `is_admin` tinyint(1) NOT NULL DEFAULT 0,
  `is_moderator` tinyint(1) NOT NULL DEFAULT 0,
  `created_at` datetime NOT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `about` mediumtext COLLATE utf8mb4_general_ci,
  PRIMARY KEY (`id`),
  UNIQUE KEY `username` (`username`),
  UNIQUE KEY `index_users_on_email` (`email`),
  KEY `index_users_on_created_at` (`created_at`)
) ENGINE=InnoDB AUTO_INCREMENT=13 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
CREATE TABLE `tags` (
  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,
  `tag` varchar(25) NOT NULL DEFAULT '',
  `description` varchar(100) DEFAULT NULL,
  `privileged` tinyint(1) NOT NULL DEFAULT 0,
  `is_media` tinyint(1) NOT NULL DEFAULT 0,
  `inactive` tinyint(1) NOT NULL DEFAULT 0,
  `hotness_mod` int(11) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  UNIQUE KEY `tag` (`tag`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `stories` (
  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,
  `user_id` int(10) unsigned NOT NULL,
  `title` varchar(150) NOT NULL DEFAULT '',
  `url` varchar(250) DEFAULT '',
  `description` mediumtext,
  `short_id` varchar(6) NOT NULL DEFAULT '',
  `created_at` datetime DEFAULT NULL,
  `is_deleted` tinyint(1) NOT NULL DEFAULT 0,
  `is_expired` tinyint(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  UNIQUE KEY `unique_short_id` (`short_id`),
  KEY `index_stories_on_user_id` (`user_id`),
  KEY `index_stories_on_created_at` (`created_at`),
  FULLTEXT KEY `index_stories_on_title` (`title`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `taggings` (
  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,
  `story_id` int(10) unsigned NOT NULL,
  `tag_id` int(10) unsigned NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `story_id_tag_id` (`story_id`,`tag_id`),
  KEY `index_taggings_on_tag_id` (`tag_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `comments` (
  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,
  `short_id` varchar(10) NOT NULL DEFAULT '',
  `story_id` int(10) unsigned NOT NULL,
  `user_id` int(10) unsigned NOT NULL,
  `parent_comment_id` int(10) unsigned DEFAULT NULL,
  `comment` mediumtext NOT NULL,
  `is_deleted` tinyint(1) DEFAULT 0,
  `created_at` datetime NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `short_id` (`short_id`),
  KEY `story_id_short_id` (`story_id`,`short_id`),
  KEY `index_comments_on_user_id` (`user_id`),
  FULLTEXT KEY `index_comments_on_comment` (`comment`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `votes` (
  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `user_id` int(10) unsigned NOT NULL,
  `story_id` int(10) unsigned NOT NULL,
  `comment_id` int(10) unsigned DEFAULT NULL,
  `vote` tinyint(4) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `user_id_story_id_comment_id` (`user_id`,`story_id`,`comment_id`),
  KEY `index_votes_on_comment_id` (`comment_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `saved_stories` (
  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `user_id` int(10) unsigned NOT NULL,
  `story_id` int(10) unsigned NOT NULL,
  `created_at` datetime NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `index_saved_stories_on_user_id_and_story_id` (`user_id`,`story_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `hidden_stories` (
  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,
  `user_id` int(10) unsigned NOT NULL,
  `story_id` int(10) unsigned NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `index_hidden_stories_on_user_id_and_story_id` (`user_id`,`story_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `messages` (
  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,
  `author_user_id` int(10) unsigned NOT NULL,
  `recipient_user_id` int(10) unsigned NOT NULL,
  `subject` varchar(100) DEFAULT NULL,
  `body` mediumtext,
  `has_been_read` tinyint(1) DEFAULT 0,
  `deleted_by_author` tinyint(1) DEFAULT 0,
  `deleted_by_recipient` tinyint(1) DEFAULT 0,
  `short_id` varchar(30) DEFAULT NULL,
  `created_at` datetime NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `random_hash` (`short_id`),
  KEY `index_messages_on_recipient_user_id` (`recipient_user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

# Scores and counts: views over the tables.
CREATE VIEW `story_vote_counts` AS
  SELECT story_id, SUM(CASE WHEN vote > 0 THEN 1 ELSE 0 END) AS upvotes,
         SUM(CASE WHEN vote < 0 THEN 1 ELSE 0 END) AS downvotes, SUM(vote) AS score
  FROM votes WHERE comment_id IS NULL GROUP BY story_id;
CREATE VIEW `comment_vote_counts` AS
  SELECT comment_id, COUNT(*) AS votes, SUM(vote) AS score
  FROM votes WHERE comment_id IS NOT NULL GROUP BY comment_id;
CREATE VIEW `story_comment_counts` AS
  SELECT story_id, COUNT(*) AS comments, MAX(created_at) AS last_comment_at
  FROM comments WHERE is_deleted = 0 GROUP BY story_id;
CREATE VIEW `active_stories` AS
  SELECT id, user_id, title, url, short_id, created_at FROM stories
  WHERE is_deleted = 0 AND is_expired = 0;
CREATE VIEW `active_users` (`id`, `username`, `karma`, `is_moderator`) AS
  SELECT id, username, karma, is_moderator FROM users WHERE deleted_at IS NULL;
CREATE VIEW `story_tags` AS
  SELECT tg.story_id, t.id AS tag_id, t.tag, t.is_media
  FROM taggings tg JOIN tags t ON t.id = tg.tag_id WHERE t.inactive = 0;

# Views over views.
CREATE VIEW `story_scores` AS
  SELECT s.id AS story_id, COALESCE(v.score, 0) AS score, COALESCE(v.upvotes, 0) AS upvotes,
         COALESCE(v.downvotes, 0) AS downvotes
  FROM stories s LEFT JOIN story_vote_counts v ON v.story_id = s.id;
CREATE VIEW `story_details` AS
  SELECT s.id, s.short_id, s.title, s.url, s.created_at, u.username AS author,
         sc.score, COALESCE(cc.comments, 0) AS comments
  FROM active_stories s
  JOIN users u ON u.id = s.user_id
  JOIN story_scores sc ON sc.story_id = s.id
  LEFT JOIN story_comment_counts cc ON cc.story_id = s.id;
CREATE VIEW `comment_details` AS
  SELECT c.id, c.short_id, c.story_id, c.parent_comment_id, c.comment, c.created_at,
         u.username AS author, COALESCE(cv.score, 0) AS score
  FROM comments c JOIN users u ON u.id = c.user_id
  LEFT JOIN comment_vote_counts cv ON cv.comment_id = c.id
  WHERE c.is_deleted = 0;
CREATE VIEW `tag_story_counts` AS
  SELECT tag, COUNT(*) AS stories FROM story_tags GROUP BY tag;
CREATE VIEW `tagged_stories` AS
  SELECT st.tag, d.id, d.title, d.author, d.score, d.comments, d.created_at
  FROM story_tags st JOIN story_details d ON d.id = st.story_id;
CREATE VIEW `user_story_counts` AS
  SELECT user_id, COUNT(*) AS stories FROM active_stories GROUP BY user_id;
CREATE VIEW `user_comment_counts` AS
  SELECT user_id, COUNT(*) AS comments FROM comments WHERE is_deleted = 0 GROUP BY user_id;
CREATE VIEW `user_stats` AS
  SELECT u.id, u.username, u.karma, COALESCE(s.stories, 0) AS stories,
         COALESCE(c.comments, 0) AS comments
  FROM active_users u
  LEFT JOIN user_story_counts s ON s.user_id = u.id
  LEFT JOIN user_comment_counts c ON c.user_id = u.id;
CREATE VIEW `user_activity` AS
  SELECT user_id, 'story' AS kind, id AS item_id, created_at FROM active_stories
  UNION ALL
  SELECT user_id, 'comment' AS kind, id AS item_id, created_at FROM comments WHERE is_deleted = 0;
CREATE VIEW `staff` AS
  SELECT id, username FROM users WHERE is_moderator = 1
  UNION
  SELECT id, username FROM users WHERE is_admin = 1;
CREATE VIEW `saved_story_details` AS
  SELECT ss.user_id, ss.created_at AS saved_at, d.id, d.title, d.score
  FROM saved_stories ss JOIN story_details d ON d.id = ss.story_id;
CREATE VIEW `inbox` AS
  SELECT m.recipient_user_id, m.id, m.short_id, m.subject, m.has_been_read, m.created_at,
         a.username AS author
  FROM messages m JOIN users a ON a.id = m.author_user_id
  WHERE m.deleted_by_recipient = 0;
CREATE VIEW `unread_counts` AS
  SELECT recipient_user_id, COUNT(*) AS unread FROM inbox WHERE has_been_read = 0
  GROUP BY recipient_user_id;

# Pages that show a fixed number of rows: views with ORDER BY … LIMIT.
CREATE VIEW `front_page` AS
  SELECT id, title, author, score, comments FROM story_details
  ORDER BY score DESC, id DESC LIMIT 10;
CREATE VIEW `newest_page` AS
  SELECT id, title, author, created_at FROM story_details
  ORDER BY created_at DESC, id DESC LIMIT 10;
CREATE VIEW `top_tags` AS
  SELECT tag, stories FROM tag_story_counts ORDER BY stories DESC, tag LIMIT 5;
CREATE VIEW `hidden_story_ids` AS
  SELECT user_id, story_id FROM hidden_stories;

# Seed data.
INSERT INTO `users` (`id`, `username`, `email`, `karma`, `is_admin`, `is_moderator`, `created_at`, `deleted_at`, `about`) VALUES
  (1, 'alice', 'alice@example.com', 180, 1, 1, '2025-02-11 08:00:00', NULL, 'about alice'),
  (2, 'bob', 'bob@example.com', 235, 0, 0, '2025-03-12 08:00:00', NULL, 'about bob'),
  (3, 'carol', 'carol@example.com', 241, 0, 1, '2025-04-13 08:00:00', NULL, 'about carol'),
  (4, 'dave', 'dave@example.com', 140, 0, 0, '2025-05-14 08:00:00', NULL, NULL),
  (5, 'Eve', 'eve@example.com', 208, 0, 0, '2025-06-15 08:00:00', NULL, 'about Eve'),
  (6, 'frank', 'frank@example.com', 111, 0, 0, '2025-07-16 08:00:00', NULL, 'about frank'),
  (7, 'grace', 'grace@example.com', 223, 0, 1, '2025-08-17 08:00:00', NULL, 'about grace'),
  (8, 'heidi', 'heidi@example.com', -3, 0, 0, '2025-09-18 08:00:00', NULL, NULL),
  (9, 'ivan', 'ivan@example.com', 204, 0, 0, '2025-01-19 08:00:00', NULL, 'about ivan'),
  (10, 'judy', 'judy@example.com', 331, 0, 0, '2025-02-10 08:00:00', NULL, 'about judy'),
  (11, 'mallory', 'mallory@example.com', 359, 0, 0, '2025-03-11 08:00:00', '2026-03-01 00:00:00', 'about mallory'),
  (12, 'niaj', 'niaj@example.com', 127, 0, 0, '2025-04-12 08:00:00', NULL, NULL);

INSERT INTO `tags` (`id`, `tag`, `description`, `privileged`, `is_media`, `inactive`, `hotness_mod`) VALUES
  (1, 'programming', 'Use when every tag or no tag applies', 0, 0, 0, 0),
  (2, 'go', 'Go programming language', 0, 0, 0, 0),
  (3, 'databases', 'Databases (SQL, NoSQL)', 0, 0, 0, 0),
  (4, 'video', 'Link to a video', 0, 1, 0, 0),
  (5, 'meta', 'Lobsters-like site meta', 1, 0, 0, 0),
  (6, 'rust', 'Rust programming language', 0, 0, 0, 0),
  (7, 'ask', 'Ask the community', 0, 0, 0, 0),
  (8, 'pdf', 'Link to a PDF', 0, 1, 1, -1);

INSERT INTO `stories` (`id`, `user_id`, `title`, `url`, `description`, `short_id`, `created_at`, `is_deleted`, `is_expired`) VALUES
  (1, 5, 'Partial state in dataflow', 'https://example.com/1', NULL, 's03d1', '2026-10-08 01:13:00', 0, 0),
  (2, 1, 'Why caches go stale', 'https://example.com/2', NULL, 's07a2', '2026-10-15 02:26:00', 0, 0),
  (3, 4, 'A tour of Go generics', 'https://example.com/3', 'Some text about story 3', 's0b73', '2026-10-22 03:39:00', 0, 0),
  (4, 10, 'SQL joins explained', 'https://example.com/4', NULL, 's0f44', '2026-10-01 04:52:00', 0, 0),
  (5, 5, 'Rust for Go programmers', 'https://example.com/5', NULL, 's1315', '2026-10-08 05:05:00', 0, 0),
  (6, 1, 'Ask: favourite database book?', NULL, 'Some text about story 6', 's16e6', '2026-10-15 06:18:00', 0, 0),
  (7, 3, 'Benchmarking Redis', 'https://example.com/7', NULL, 's1ab7', '2026-10-22 07:31:00', 1, 0),
  (8, 10, 'Incremental view maintenance', 'https://example.com/8', NULL, 's1e88', '2026-10-01 08:44:00', 0, 0),
  (9, 11, 'The Noria paper', 'https://example.com/9', 'Some text about story 9', 's2259', '2026-10-08 09:57:00', 0, 0),
  (10, 11, 'Video: query planning', 'https://example.com/10', NULL, 's262a', '2026-10-15 10:10:00', 0, 0),
  (11, 1, 'Meta: new tag proposal', NULL, NULL, 's29fb', '2026-10-22 11:23:00', 0, 0),
  (12, 8, 'PDF: B-tree survey', 'https://example.com/12', 'Some text about story 12', 's2dcc', '2026-10-01 12:36:00', 0, 0),
  (13, 8, 'Writing a MySQL server', 'https://example.com/13', NULL, 's319d', '2026-10-08 13:49:00', 0, 1),
  (14, 10, 'Consistent hashing', 'https://example.com/14', NULL, 's356e', '2026-10-15 14:02:00', 0, 0),
  (15, 11, 'Go 1.26 release notes', 'https://example.com/15', 'Some text about story 15', 's393f', '2026-10-22 15:15:00', 0, 0),
  (16, 12, 'Postgres logical replication', 'https://example.com/16', NULL, 's3d10', '2026-10-01 16:28:00', 0, 0),
  (17, 5, 'Eviction policies compared', 'https://example.com/17', NULL, 's40e1', '2026-10-08 17:41:00', 0, 0),
  (18, 4, 'Lock-free readers', 'https://example.com/18', 'Some text about story 18', 's44b2', '2026-10-15 18:54:00', 0, 0),
  (19, 5, 'Materialized views in practice', 'https://example.com/19', NULL, 's4883', '2026-10-22 19:07:00', 0, 0),
  (20, 6, 'Designing tokens for read-your-writes', 'https://example.com/20', NULL, 's4c54', '2026-10-01 20:20:00', 0, 0);

INSERT INTO `taggings` (`story_id`, `tag_id`) VALUES
  (1, 2),
  (1, 7),
  (2, 7),
  (2, 8),
  (3, 1),
  (3, 3),
  (3, 5),
  (4, 1),
  (4, 2),
  (5, 4),
  (5, 6),
  (5, 8),
  (6, 5),
  (7, 6),
  (7, 8),
  (8, 2),
  (8, 3),
  (9, 1),
  (9, 8),
  (10, 1),
  (10, 8),
  (11, 2),
  (11, 8),
  (12, 1),
  (12, 3),
  (13, 4),
  (13, 6),
  (13, 7),
  (14, 1),
  (15, 6),
  (15, 7),
  (15, 8),
  (16, 2),
  (16, 4),
  (16, 6),
  (17, 2),
  (18, 1),
  (18, 2),
  (18, 4),
  (19, 1),
  (19, 2),
  (20, 1),
  (20, 3),
  (20, 7);

INSERT INTO `comments` (`id`, `short_id`, `story_id`, `user_id`, `parent_comment_id`, `comment`, `is_deleted`, `created_at`) VALUES
  (1, 'c0001', 1, 4, NULL, 'comment 1 on story 1', 0, '2026-11-04 01:00:00'),
  (2, 'c0002', 1, 3, 1, 'comment 2 on story 1', 0, '2026-11-07 02:00:00'),
  (3, 'c0003', 2, 9, NULL, 'comment 3 on story 2', 0, '2026-11-10 03:00:00'),
  (4, 'c0004', 3, 2, NULL, 'comment 4 on story 3', 0, '2026-11-13 04:00:00'),
  (5, 'c0005', 5, 5, NULL, 'comment 5 on story 5', 0, '2026-11-16 05:00:00'),
  (6, 'c0006', 6, 7, NULL, 'comment 6 on story 6', 0, '2026-11-19 06:00:00'),
  (7, 'c0007', 6, 1, NULL, 'comment 7 on story 6', 0, '2026-11-22 07:00:00'),
  (8, 'c0008', 6, 12, NULL, 'comment 8 on story 6', 0, '2026-11-25 08:00:00'),
  (9, 'c0009', 7, 1, NULL, 'comment 9 on story 7', 0, '2026-11-28 09:00:00'),
  (10, 'c0010', 7, 1, NULL, 'comment 10 on story 7', 0, '2026-11-03 10:00:00'),
  (11, 'c0011', 8, 7, NULL, 'comment 11 on story 8', 1, '2026-11-06 11:00:00'),
  (12, 'c0012', 9, 9, NULL, 'comment 12 on story 9', 0, '2026-11-09 12:00:00'),
  (13, 'c0013', 9, 7, NULL, 'comment 13 on story 9', 0, '2026-11-12 13:00:00'),
  (14, 'c0014', 10, 2, NULL, 'comment 14 on story 10', 0, '2026-11-15 14:00:00'),
  (15, 'c0015', 11, 11, NULL, 'comment 15 on story 11', 0, '2026-11-18 15:00:00'),
  (16, 'c0016', 11, 2, NULL, 'comment 16 on story 11', 0, '2026-11-21 16:00:00'),
  (17, 'c0017', 11, 8, NULL, 'comment 17 on story 11', 0, '2026-11-24 17:00:00'),
  (18, 'c0018', 12, 4, NULL, 'comment 18 on story 12', 0, '2026-11-27 18:00:00'),
  (19, 'c0019', 12, 3, 18, 'comment 19 on story 12', 0, '2026-11-02 19:00:00'),
  (20, 'c0020', 12, 7, NULL, 'comment 20 on story 12', 0, '2026-11-05 20:00:00'),
  (21, 'c0021', 13, 7, NULL, 'comment 21 on story 13', 0, '2026-11-08 21:00:00'),
  (22, 'c0022', 14, 6, NULL, 'comment 22 on story 14', 1, '2026-11-11 22:00:00'),
  (23, 'c0023', 15, 3, NULL, 'comment 23 on story 15', 0, '2026-11-14 23:00:00'),
  (24, 'c0024', 15, 7, NULL, 'comment 24 on story 15', 0, '2026-11-17 00:00:00'),
  (25, 'c0025', 15, 7, 23, 'comment 25 on story 15', 0, '2026-11-20 01:00:00'),
  (26, 'c0026', 16, 5, NULL, 'comment 26 on story 16', 0, '2026-11-23 02:00:00'),
  (27, 'c0027', 16, 10, NULL, 'comment 27 on story 16', 0, '2026-11-26 03:00:00'),
  (28, 'c0028', 16, 2, 26, 'comment 28 on story 16', 0, '2026-11-01 04:00:00'),
  (29, 'c0029', 17, 12, NULL, 'comment 29 on story 17', 0, '2026-11-04 05:00:00'),
  (30, 'c0030', 17, 8, NULL, 'comment 30 on story 17', 0, '2026-11-07 06:00:00'),
  (31, 'c0031', 18, 4, NULL, 'comment 31 on story 18', 0, '2026-11-10 07:00:00'),
  (32, 'c0032', 18, 10, NULL, 'comment 32 on story 18', 0, '2026-11-13 08:00:00'),
  (33, 'c0033', 18, 3, NULL, 'comment 33 on story 18', 1, '2026-11-16 09:00:00');

INSERT INTO `votes` (`user_id`, `story_id`, `comment_id`, `vote`) VALUES
  (1, 6, 6, 1),
  (1, 12, 18, 1),
  (1, 12, 20, 1),
  (1, 1, NULL, 1),
  (1, 4, NULL, 1),
  (1, 5, NULL, 1),
  (1, 6, NULL, 1),
  (1, 7, NULL, 1),
  (1, 9, NULL, 1),
  (1, 10, NULL, 1),
  (1, 15, NULL, -1),
  (1, 16, NULL, 1),
  (1, 17, NULL, 1),
  (1, 18, NULL, 1),
  (1, 19, NULL, 1),
  (1, 20, NULL, -1),
  (2, 1, 1, 1),
  (2, 11, 15, 1),
  (2, 16, 28, -1),
  (2, 5, NULL, -1),
  (2, 7, NULL, 1),
  (2, 9, NULL, 1),
  (2, 11, NULL, 1),
  (2, 12, NULL, 1),
  (2, 13, NULL, 1),
  (2, 14, NULL, 1),
  (2, 15, NULL, 1),
  (2, 17, NULL, -1),
  (3, 7, 10, 1),
  (3, 14, 22, 1),
  (3, 15, 23, 1),
  (3, 15, 25, 1),
  (3, 1, NULL, 1),
  (3, 6, NULL, 1),
  (3, 8, NULL, -1),
  (3, 13, NULL, 1),
  (3, 14, NULL, 1),
  (3, 15, NULL, 1),
  (4, 6, 6, -1),
  (4, 6, 8, 1),
  (4, 7, 10, -1),
  (4, 8, 11, 1),
  (4, 14, 22, 1),
  (4, 15, 23, 1),
  (4, 16, 28, 1),
  (4, 18, 33, 1),
  (4, 1, NULL, 1),
  (4, 2, NULL, -1),
  (4, 3, NULL, 1),
  (4, 4, NULL, 1),
  (4, 7, NULL, 1),
  (4, 10, NULL, 1),
  (4, 11, NULL, 1),
  (4, 12, NULL, 1),
  (4, 15, NULL, 1),
  (4, 17, NULL, -1),
  (4, 20, NULL, 1),
  (5, 6, 6, 1),
  (5, 11, 15, 1),
  (5, 15, 23, 1),
  (5, 15, 24, 1),
  (5, 16, 26, 1),
  (5, 17, 29, 1),
  (5, 1, NULL, 1),
  (5, 4, NULL, -1),
  (5, 5, NULL, 1),
  (5, 6, NULL, 1),
  (5, 13, NULL, 1),
  (5, 15, NULL, 1),
  (5, 19, NULL, 1),
  (5, 20, NULL, -1),
  (6, 12, 19, 1),
  (6, 12, 20, 1),
  (6, 15, 25, 1),
  (6, 16, 26, 1),
  (6, 16, 28, 1),
  (6, 1, NULL, 1),
  (6, 6, NULL, 1),
  (6, 7, NULL, 1),
  (6, 12, NULL, 1),
  (6, 13, NULL, 1),
  (6, 15, NULL, 1),
  (6, 18, NULL, 1),
  (7, 6, 7, 1),
  (7, 7, 10, 1),
  (7, 9, 12, 1),
  (7, 11, 16, 1),
  (7, 14, 22, -1),
  (7, 16, 28, 1),
  (7, 18, 32, 1),
  (7, 1, NULL, 1),
  (7, 2, NULL, 1),
  (7, 3, NULL, 1),
  (7, 7, NULL, 1),
  (7, 8, NULL, 1),
  (7, 9, NULL, 1),
  (7, 10, NULL, -1),
  (7, 11, NULL, 1),
  (7, 12, NULL, 1),
  (7, 14, NULL, 1),
  (7, 17, NULL, 1),
  (7, 19, NULL, 1),
  (7, 20, NULL, 1),
  (8, 5, 5, 1),
  (8, 12, 20, 1),
  (8, 13, 21, 1),
  (8, 18, 33, 1),
  (8, 2, NULL, 1),
  (8, 3, NULL, 1),
  (8, 5, NULL, -1),
  (8, 10, NULL, 1),
  (8, 16, NULL, 1),
  (9, 11, 16, 1),
  (9, 12, 19, 1),
  (9, 1, NULL, 1),
  (9, 4, NULL, 1),
  (9, 7, NULL, 1),
  (10, 3, 4, 1),
  (10, 6, 6, 1),
  (10, 9, 13, 1),
  (10, 12, 19, 1),
  (10, 15, 24, 1),
  (10, 15, 25, -1),
  (10, 18, 33, 1),
  (10, 3, NULL, -1),
  (10, 4, NULL, -1),
  (10, 7, NULL, 1),
  (10, 8, NULL, 1),
  (10, 14, NULL, -1),
  (10, 16, NULL, 1),
  (10, 18, NULL, 1),
  (10, 20, NULL, 1),
  (11, 3, 4, 1),
  (11, 12, 20, 1),
  (11, 13, 21, 1),
  (11, 15, 24, 1),
  (11, 16, 26, -1),
  (11, 1, NULL, 1),
  (11, 4, NULL, 1),
  (11, 5, NULL, 1),
  (11, 6, NULL, 1),
  (11, 7, NULL, -1),
  (11, 9, NULL, -1),
  (11, 15, NULL, 1),
  (11, 18, NULL, 1),
  (12, 6, 7, -1),
  (12, 12, 19, 1),
  (12, 17, 30, 1),
  (12, 1, NULL, 1),
  (12, 2, NULL, -1),
  (12, 4, NULL, 1),
  (12, 7, NULL, -1),
  (12, 9, NULL, 1),
  (12, 10, NULL, 1),
  (12, 11, NULL, 1),
  (12, 18, NULL, 1);

INSERT INTO `saved_stories` (`user_id`, `story_id`, `created_at`) VALUES
  (2, 7, '2026-11-15 12:00:00'),
  (2, 11, '2026-11-23 12:00:00'),
  (3, 4, '2026-11-13 12:00:00'),
  (4, 1, '2026-11-05 12:00:00'),
  (4, 7, '2026-11-01 12:00:00'),
  (5, 2, '2026-11-11 12:00:00'),
  (5, 7, '2026-11-08 12:00:00'),
  (5, 11, '2026-11-28 12:00:00'),
  (6, 10, '2026-11-05 12:00:00'),
  (6, 12, '2026-11-17 12:00:00'),
  (6, 13, '2026-11-23 12:00:00'),
  (6, 14, '2026-11-01 12:00:00'),
  (7, 6, '2026-11-15 12:00:00'),
  (7, 8, '2026-11-01 12:00:00'),
  (7, 10, '2026-11-15 12:00:00'),
  (8, 1, '2026-11-09 12:00:00'),
  (8, 6, '2026-11-21 12:00:00'),
  (8, 18, '2026-11-05 12:00:00'),
  (9, 1, '2026-11-10 12:00:00'),
  (10, 10, '2026-11-17 12:00:00'),
  (11, 12, '2026-11-21 12:00:00'),
  (11, 13, '2026-11-04 12:00:00'),
  (11, 16, '2026-11-09 12:00:00'),
  (12, 16, '2026-11-25 12:00:00');

INSERT INTO `hidden_stories` (`user_id`, `story_id`) VALUES
  (1, 18),
  (2, 7),
  (4, 13),
  (4, 15),
  (5, 16),
  (5, 18),
  (7, 2),
  (7, 10),
  (8, 4),
  (9, 11),
  (10, 2),
  (10, 4),
  (10, 15),
  (12, 3);

INSERT INTO `messages` (`id`, `author_user_id`, `recipient_user_id`, `subject`, `body`, `has_been_read`, `deleted_by_author`, `deleted_by_recipient`, `short_id`, `created_at`) VALUES
  (1, 10, 11, 'subject 1', 'body of message 1', 0, 0, 0, 'm0001', '2026-11-02 09:01:00'),
  (2, 2, 1, 'subject 2', 'body of message 2', 1, 0, 0, 'm0002', '2026-11-03 09:02:00'),
  (3, 2, 6, 'subject 3', 'body of message 3', 1, 0, 0, 'm0003', '2026-11-04 09:03:00'),
  (4, 6, 5, 'subject 4', 'body of message 4', 1, 0, 0, 'm0004', '2026-11-05 09:04:00'),
  (5, 2, 8, 'subject 5', 'body of message 5', 0, 0, 0, 'm0005', '2026-11-06 09:05:00'),
  (6, 2, 4, 'subject 6', 'body of message 6', 0, 0, 0, 'm0006', '2026-11-07 09:06:00'),
  (7, 4, 3, 'subject 7', 'body of message 7', 0, 0, 1, 'm0007', '2026-11-08 09:07:00'),
  (8, 1, 2, 'subject 8', 'body of message 8', 0, 0, 0, 'm0008', '2026-11-09 09:08:00'),
  (9, 12, 11, 'subject 9', 'body of message 9', 1, 1, 0, 'm0009', '2026-11-10 09:09:00'),
  (10, 1, 3, 'subject 10', 'body of message 10', 0, 0, 0, 'm0010', '2026-11-11 09:10:00'),
  (11, 3, 9, 'subject 11', 'body of message 11', 0, 0, 0, 'm0011', '2026-11-12 09:11:00'),
  (12, 3, 7, 'subject 12', 'body of message 12', 0, 0, 0, 'm0012', '2026-11-13 09:12:00'),
  (13, 3, 6, 'subject 13', 'body of message 13', 0, 0, 0, 'm0013', '2026-11-14 09:13:00'),
  (14, 9, 10, 'subject 14', 'body of message 14', 0, 0, 1, 'm0014', '2026-11-15 09:14:00'),
  (15, 2, 1, 'subject 15', 'body of message 15', 0, 0, 0, 'm0015', '2026-11-16 09:15:00'),
  (16, 1, 10, 'subject 16', 'body of message 16', 1, 0, 0, 'm0016', '2026-11-17 09:16:00'),
  (17, 1, 2, 'subject 17', 'body of message 17', 0, 0, 0, 'm0017', '2026-11-18 09:17:00'),
  (18, 7, 1, 'subject 18', 'body of message 18', 0, 1, 0, 'm0018', '2026-11-19 09:18:00'),
  (19, 6, 1, 'subject 19', 'body of message 19', 0, 0, 0, 'm0019', '2026-11-20 09:19:00'),
  (20, 4, 2, 'subject 20', 'body of message 20', 0, 0, 0, 'm0020', '2026-11-21 09:20:00'),
  (21, 9, 11, 'subject 21', 'body of message 21', 0, 0, 1, 'm0021', '2026-11-22 09:21:00'),
  (22, 1, 10, 'subject 22', 'body of message 22', 0, 0, 0, 'm0022', '2026-11-23 09:22:00'),
  (23, 5, 2, 'subject 23', 'body of message 23', 0, 0, 0, 'm0023', '2026-11-24 09:23:00'),
  (24, 10, 1, 'subject 24', 'body of message 24', 1, 0, 0, 'm0024', '2026-11-25 09:24:00'),
  (25, 5, 12, 'subject 25', 'body of message 25', 0, 0, 0, 'm0025', '2026-11-26 09:25:00');

-- query front_page ordered
SELECT id, title, author, score, comments FROM front_page ORDER BY score DESC, id DESC;

-- query newest_page ordered
SELECT id, title, author, created_at FROM newest_page ORDER BY created_at DESC, id DESC;

-- query story_by_short_id
-- args: 's03d1'
-- args: 's0f44'
-- args: 'nope'
SELECT id, title, url, author, score, comments FROM story_details WHERE short_id = ?;

-- query story_by_id
-- args: 1
-- args: 7
-- args: 13
-- args: 20
SELECT title, author, score, comments, created_at FROM story_details WHERE id = ?;

-- query story_comments ordered
-- args: 1
-- args: 4
-- args: 20
SELECT id, short_id, parent_comment_id, author, score, comment FROM comment_details
WHERE story_id = ? ORDER BY id;

-- query comment_by_short_id
-- args: 'c0003'
-- args: 'c0011'
SELECT story_id, author, score, comment FROM comment_details WHERE short_id = ?;

-- query comment_replies
-- args: 1
-- args: 5
SELECT id, author FROM comment_details WHERE parent_comment_id = ?;

-- query tags_of_story
-- args: 2
-- args: 9
SELECT tag, is_media FROM story_tags WHERE story_id = ?;

-- query tag_page ordered
-- args: 'go'
-- args: 'DATABASES'
-- args: 'pdf'
SELECT id, title, author, score FROM tagged_stories WHERE tag = ?
ORDER BY score DESC, id DESC LIMIT 5;

-- query tag_story_count
-- args: 'programming'
-- args: 'video'
SELECT stories FROM tag_story_counts WHERE tag = ?;

-- query top_tags ordered
SELECT tag, stories FROM top_tags ORDER BY stories DESC, tag;

-- query top_tag_lookup
-- args: 'go'
-- args: 'rust'
SELECT stories FROM top_tags WHERE tag = ?;

-- query user_profile
-- args: 'alice'
-- args: 'EVE'
-- args: 'mallory'
SELECT id, karma, stories, comments FROM user_stats WHERE username = ?;

-- query user_profile_by_id
-- args: 2
-- args: 9
SELECT username, karma, stories, comments FROM user_stats WHERE id = ?;

-- query user_stories ordered
-- args: 'bob'
-- args: 'grace'
SELECT id, title, score FROM story_details WHERE author = ?
ORDER BY created_at DESC, id DESC LIMIT 5;

-- query user_activity_feed ordered
-- args: 3
-- args: 6
SELECT kind, item_id, created_at FROM user_activity WHERE user_id = ?
ORDER BY created_at DESC, kind, item_id LIMIT 10;

-- query user_activity_counts
-- args: 1
-- args: 8
SELECT kind, COUNT(*) AS n FROM user_activity WHERE user_id = ? GROUP BY kind;

-- query staff
SELECT id, username FROM staff;

-- query staff_member
-- args: 1
-- args: 2
-- args: 7
SELECT username FROM staff WHERE id = ?;

-- query saved_page ordered
-- args: 1
-- args: 5
SELECT id, title, score FROM saved_story_details WHERE user_id = ?
ORDER BY saved_at DESC, id DESC;

-- query saved_count
-- args: 4
-- args: 11
SELECT COUNT(*) AS n FROM saved_story_details WHERE user_id = ?;

-- query inbox_page ordered
-- args: 2
-- args: 10
SELECT id, subject, author, has_been_read FROM inbox WHERE recipient_user_id = ?
ORDER BY created_at DESC, id DESC;

-- query unread_count
-- args: 3
-- args: 12
SELECT unread FROM unread_counts WHERE recipient_user_id = ?;

-- query message_by_short_id
-- args: 'm0004'
-- args: 'm0014'
SELECT subject, author, has_been_read FROM inbox WHERE short_id = ?;

-- query hidden_for_user
-- args: 2
-- args: 6
SELECT story_id FROM hidden_story_ids WHERE user_id = ?;

-- query story_score
-- args: 3
-- args: 11
SELECT upvotes, downvotes, score FROM story_scores WHERE story_id = ?;

-- query my_story_vote
-- args: 1, 3
-- args: 4, 8
SELECT vote FROM votes WHERE user_id = ? AND story_id = ? AND comment_id IS NULL;

-- query story_with_tags
-- args: 5
-- args: 12
SELECT d.title, st.tag FROM story_details d JOIN story_tags st ON st.story_id = d.id
WHERE d.id = ?;

-- query author_tag_counts
-- args: 'carol'
-- args: 'ivan'
SELECT d.id, COUNT(st.tag) AS tags FROM story_details d
LEFT JOIN story_tags st ON st.story_id = d.id
WHERE d.author = ? GROUP BY d.id;

-- query user_stats_with_email
-- args: 4
-- args: 12
SELECT us.username, us.stories, u.email FROM user_stats us JOIN users u ON u.id = us.id
WHERE us.id = ?;

-- query media_stories
SELECT DISTINCT d.id, d.title FROM story_tags st JOIN story_details d ON d.id = st.story_id
WHERE st.is_media = 1;

-- query recent_comments ordered
SELECT id, story_id, author FROM comment_details ORDER BY created_at DESC, id DESC LIMIT 10;

-- query most_active ordered
SELECT username, comments FROM user_stats ORDER BY comments DESC, id LIMIT 5;

-- query leaderboard ordered
SELECT username, karma FROM active_users ORDER BY karma DESC, id LIMIT 5;

-- query discussed_stories
SELECT id, title, comments FROM story_details WHERE comments >= 3;

-- query story_last_comment
-- args: 2
-- args: 14
SELECT comments, last_comment_at FROM story_comment_counts WHERE story_id = ?;

-- writes
# Votes, a new user, a story and comments; writes a unique key refuses.
INSERT INTO votes (id, user_id, story_id, comment_id, vote) VALUES
  (1000, 1, 3, NULL, 1), (1001, 2, 3, NULL, 1), (1002, 5, 11, NULL, -1), (1003, 3, 1, 2, 1);
INSERT INTO users (id, username, email, karma, created_at) VALUES
  (13, 'oscar', 'oscar@example.com', 1, '2026-11-20 10:00:00');
-- error 1062
INSERT INTO users (id, username, email, karma, created_at) VALUES
  (14, 'OSCAR', 'other@example.com', 1, '2026-11-20 10:00:00');
-- error 1062
INSERT INTO users (id, username, email, karma, created_at) VALUES
  (14, 'peggy', 'Alice@Example.com', 1, '2026-11-20 10:00:00');
INSERT INTO stories (id, user_id, title, url, short_id, created_at) VALUES
  (21, 13, 'Views in a dataflow engine', 'https://example.com/21', 'snew01', '2026-11-21 09:00:00');
-- error 1062
INSERT INTO stories (id, user_id, title, url, short_id, created_at) VALUES
  (22, 13, 'A duplicate short id', NULL, 'SNEW01', '2026-11-21 09:30:00');
INSERT INTO taggings (id, story_id, tag_id) VALUES (200, 21, 2), (201, 21, 3);
-- error 1062
INSERT INTO taggings (id, story_id, tag_id) VALUES (202, 21, 3);
INSERT INTO comments (id, short_id, story_id, user_id, parent_comment_id, comment, created_at) VALUES
  (100, 'cn100', 21, 2, NULL, 'first!', '2026-11-21 09:05:00'),
  (101, 'cn101', 21, 3, 100, 'a reply', '2026-11-21 09:06:00'),
  (102, 'cn102', 1, 13, NULL, 'late to the party', '2026-11-21 09:07:00');
INSERT INTO votes (id, user_id, story_id, comment_id, vote) VALUES
  (1004, 13, 21, NULL, 1), (1005, 1, 21, NULL, 1), (1006, 2, 21, 101, 1);
-- error 1062
INSERT INTO votes (id, user_id, story_id, comment_id, vote) VALUES (1007, 2, 21, 101, -1);
# A story vote has no comment: NULL never collides in a unique key.
INSERT INTO votes (id, user_id, story_id, comment_id, vote) VALUES (1008, 1, 21, NULL, 1);
UPDATE users SET karma = karma + 10 WHERE id IN (1, 13);
INSERT INTO saved_stories (id, user_id, story_id, created_at) VALUES
  (500, 13, 21, '2026-11-21 11:00:00'), (501, 1, 21, '2026-11-21 11:05:00');
INSERT INTO messages (id, author_user_id, recipient_user_id, subject, body, short_id, created_at) VALUES
  (100, 13, 3, 'hello', 'welcome me', 'm0100', '2026-11-21 12:00:00');

-- writes
# Moderation and edits: deletions, expiry, read messages, retracted votes, renamed users,
# hidden stories, a retired tag.
UPDATE stories SET is_deleted = 1 WHERE short_id = 's03d1';
UPDATE stories SET is_expired = 1 WHERE id = 2;
UPDATE comments SET is_deleted = 1 WHERE id IN (3, 101);
UPDATE messages SET has_been_read = 1 WHERE recipient_user_id = 3;
UPDATE messages SET deleted_by_recipient = 1 WHERE id = 14;
DELETE FROM votes WHERE user_id = 5;
UPDATE users SET username = 'Robert' WHERE username = 'bob';
-- error 1062
UPDATE users SET username = 'CAROL' WHERE id = 4;
-- error 1062
UPDATE stories SET short_id = 'snew01' WHERE id = 20;
UPDATE users SET deleted_at = '2026-11-22 00:00:00' WHERE id = 12;
UPDATE tags SET inactive = 1 WHERE tag = 'rust';
INSERT INTO hidden_stories (id, user_id, story_id) VALUES (300, 2, 21), (301, 6, 1);
-- error 1062
INSERT INTO hidden_stories (id, user_id, story_id) VALUES (302, 2, 21);
DELETE FROM saved_stories WHERE user_id = 1 AND story_id = 21;
UPDATE users SET is_moderator = 1 WHERE id = 13;
UPDATE users SET is_admin = 0 WHERE id = 1;

-- writes
# A unique key freed by a delete or an update can be taken again; REPLACE and upserts that
# meet a unique key other than the primary key.
DELETE FROM users WHERE id = 13;
INSERT INTO users (id, username, email, karma, created_at) VALUES
  (15, 'Oscar', 'oscar2@example.com', 3, '2026-11-23 10:00:00');
UPDATE stories SET short_id = 'sold01' WHERE id = 21;
INSERT INTO stories (id, user_id, title, url, short_id, created_at) VALUES
  (23, 15, 'Taking the freed short id', NULL, 'snew01', '2026-11-23 11:00:00');
REPLACE INTO taggings (id, story_id, tag_id) VALUES (210, 21, 2);
INSERT INTO hidden_stories (id, user_id, story_id) VALUES (303, 2, 21)
  ON DUPLICATE KEY UPDATE story_id = VALUES(story_id);
INSERT INTO tags (id, tag, description) VALUES (3, 'databases', 'Databases')
  ON DUPLICATE KEY UPDATE description = VALUES(description);
INSERT INTO taggings (id, story_id, tag_id) VALUES (211, 23, 3), (212, 23, 6);
INSERT INTO votes (id, user_id, story_id, comment_id, vote) VALUES
  (1010, 15, 23, NULL, 1), (1011, 3, 23, NULL, 1), (1012, 4, 23, NULL, -1);
