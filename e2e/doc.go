// Package e2e runs real MySQL clients against a Weir server started in the test process, to
// check what other programs see over the wire rather than what Go's driver sees:
//
//   - TestMariaDBClient runs the mariadb command-line client: in batch mode on
//     testdata/news.sql (the news example: tables, writes, reads of one query shape with
//     different literals, CREATE CACHE, SHOW CACHES, catalog statements, a failing
//     statement), its output compared with the golden file testdata/news.out; with -e; and
//     interactively on a pseudo-terminal, where it sends its start-up queries (the version
//     comment, SHOW DATABASES, SHOW TABLES, the column lists of tables) before the prompt.
//   - TestNodeMySQL2 runs a Node program (testdata/mysql2.js) on the mysql2 driver, installed
//     with npm into a temporary directory: prepared statements in the binary protocol and
//     text queries, NULL, DECIMAL, DATETIME and non-ASCII text, insert ids, affected rows
//     and error numbers, compared with what MySQL returns.
//   - TestGORM, TestSQLAlchemy and TestSequelize run one small application on each ORM (GORM
//     with go-sql-driver, SQLAlchemy 1.4 with PyMySQL from Debian's packages, Sequelize 6 with
//     mysql2 from npm) against MariaDB and against Weir, unchanged, and compare what the
//     application saw: schema creation and a second run that finds it in place, CRUD with
//     associations, eager loading, unique-key errors, transactions committed and rolled
//     back, and (SQLAlchemy) a SQL view.
//
// The package holds only tests. Run them with
//
//	go test ./e2e
//	go test -race ./e2e
//
// A client that is not installed skips its test: the mariadb client (apt-get install
// mariadb-client) and SQLAlchemy with PyMySQL (apt-get install python3-sqlalchemy
// python3-pymysql) are required under CI=true, where their absence fails the test; node and
// npm are optional everywhere, and so is the network npm needs to fetch mysql2 and Sequelize.
//
// After an intended change to what the server prints, rewrite the golden file and review
// its diff:
//
//	go test ./e2e -run TestMariaDBClient -update-news
//	git diff e2e/testdata/news.out
package e2e
