// Package loadgen fills a database with many customers and orders for
// benchmarks. It works in set-based SQL (a recursive CTE on SQLite,
// generate_series on PostgreSQL) so a million orders take seconds, not the
// hours one INSERT per row would.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Generate inserts customers (role customer, no password) and orders
// spread over them, with 1 to 3 items each (2 on average). The first new
// customer is the heavy one and holds exactly heavyOrders orders; the rest
// are shared round-robin among the others, the second new customer being a
// typical one. It runs ANALYZE (VACUUM ANALYZE on PostgreSQL) afterwards so the planner knows the sizes.
// Calling it again adds another, distinct set.
func Generate(ctx context.Context, db *gorm.DB, dialect models.Dialect, customers, orders, heavyOrders int) (heavyUserID, typicalUserID int64, err error) {
	if customers < 2 || heavyOrders < 0 || orders < heavyOrders {
		return 0, 0, errors.New("loadgen: need at least 2 customers and orders ≥ heavy orders")
	}
	// database/sql directly: GORM would take SQLite's numbered ?N
	// parameters for its own ? placeholders.
	sqlDB, err := db.DB()
	if err != nil {
		return 0, 0, fmt.Errorf("loadgen: %w", err)
	}
	q := sqliteSQL
	if dialect == models.Postgres {
		q = postgresSQL
	}
	now := time.Now().UTC().Truncate(time.Second)

	var userBase, orderBase int64
	row := sqlDB.QueryRowContext(ctx, "SELECT (SELECT COALESCE(MAX(id), 0) FROM users), (SELECT COALESCE(MAX(id), 0) FROM orders)")
	if err := row.Scan(&userBase, &orderBase); err != nil {
		return 0, 0, fmt.Errorf("loadgen: %w", err)
	}
	if _, err := sqlDB.ExecContext(ctx, q.users, userBase, customers, now, now); err != nil {
		return 0, 0, fmt.Errorf("loadgen: users: %w", err)
	}
	var ids struct{ Lo, Hi, N int64 }
	row = sqlDB.QueryRowContext(ctx, q.newUsers, userBase)
	if err := row.Scan(&ids.Lo, &ids.Hi, &ids.N); err != nil {
		return 0, 0, fmt.Errorf("loadgen: %w", err)
	}
	// Orders are assigned to customers by arithmetic on their ids, which
	// needs the ids of one INSERT to be consecutive. They are unless another
	// writer took ids in between; then say so rather than misattribute.
	if ids.N != int64(customers) || ids.Hi-ids.Lo+1 != ids.N {
		return 0, 0, fmt.Errorf("loadgen: customer ids are not consecutive (%d..%d for %d)", ids.Lo, ids.Hi, ids.N)
	}
	_, err = sqlDB.ExecContext(ctx, q.orders, orders, heavyOrders, ids.Lo, heavyOrders, customers,
		orderBase, now.Unix(), now.Unix(), now, now)
	if err != nil {
		return 0, 0, fmt.Errorf("loadgen: orders: %w", err)
	}
	if _, err := sqlDB.ExecContext(ctx, q.items, orderBase); err != nil {
		return 0, 0, fmt.Errorf("loadgen: items: %w", err)
	}
	if _, err := sqlDB.ExecContext(ctx, q.analyze); err != nil {
		return 0, 0, fmt.Errorf("loadgen: analyze: %w", err)
	}
	return ids.Lo, ids.Lo + 1, nil
}

type statements struct{ users, newUsers, orders, items, analyze string }

// Both dialects take the same arguments in the same order.
//
// users: id base (for unique emails), count, created_at, updated_at.
// orders: count, heavy count, first customer id, heavy count, customers,
// order id base (for unique numbers), now (unix) twice, created_at, updated_at.
// items: the order id base; orders above it get items.
//
// Every 20th order is cancelled and unpaid; the rest were paid a minute
// after they were placed.
var sqliteSQL = statements{
	users: `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?2)
INSERT INTO users (email, password_hash, role, name, locale, created_at, updated_at)
SELECT printf('load-%07d@example.com', ?1 + n), '', 'customer', 'Load customer ' || (?1 + n), 'en', ?3, ?4 FROM seq`,
	orders: `WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ?1 - 1)
INSERT INTO orders (user_id, number, placed_at, status, delivery_status, total_cents, currency, paid_at, created_at, updated_at)
SELECT CASE WHEN n < ?2 THEN ?3 ELSE ?3 + 1 + ((n - ?4) % (?5 - 1)) END,
	printf('LD%d-%d', ?6, n),
	strftime('%Y-%m-%d %H:%M:%S', ?7 - ((n * 7919) % ` + spanText + `), 'unixepoch') || '+00:00',
	CASE WHEN n % 20 = 0 THEN 'cancelled' ELSE 'delivered' END,
	CASE WHEN n % 20 = 0 THEN '' ELSE 'delivered' END,
	500 + (n * 37) % 9000, 'EUR',
	CASE WHEN n % 20 = 0 THEN NULL
		ELSE strftime('%Y-%m-%d %H:%M:%S', ?8 - ((n * 7919) % ` + spanText + `) + 60, 'unixepoch') || '+00:00' END,
	?9, ?10
FROM seq`,
	newUsers: `SELECT MIN(id), MAX(id), COUNT(*) FROM users WHERE id > ?`,
	items:    strings.Replace(itemsSQL, "$1", "?", 1),
	analyze:  `ANALYZE`,
}

var postgresSQL = statements{
	users: `INSERT INTO users (email, password_hash, role, name, locale, created_at, updated_at)
SELECT format('load-%s@example.com', lpad(($1::bigint + n)::text, 7, '0')), '', 'customer',
	'Load customer ' || ($1::bigint + n), 'en', $3::timestamptz, $4::timestamptz
FROM generate_series(1::bigint, $2::bigint) AS n`,
	orders: `INSERT INTO orders (user_id, number, placed_at, status, delivery_status, total_cents, currency, paid_at, created_at, updated_at)
SELECT CASE WHEN n < $2::bigint THEN $3::bigint ELSE $3::bigint + 1 + ((n - $4::bigint) % ($5::bigint - 1)) END,
	format('LD%s-%s', $6::bigint, n),
	to_timestamp($7::bigint - ((n * 7919) % ` + spanText + `)),
	CASE WHEN n % 20 = 0 THEN 'cancelled' ELSE 'delivered' END,
	CASE WHEN n % 20 = 0 THEN '' ELSE 'delivered' END,
	500 + (n * 37) % 9000, 'EUR',
	CASE WHEN n % 20 = 0 THEN NULL ELSE to_timestamp($8::bigint - ((n * 7919) % ` + spanText + `) + 60) END,
	$9::timestamptz, $10::timestamptz
FROM generate_series(0::bigint, $1::bigint - 1) AS n`,
	newUsers: `SELECT MIN(id), MAX(id), COUNT(*) FROM users WHERE id > $1`,
	items:    itemsSQL,
	// VACUUM as well: it sets the visibility map, without which a count
	// of a customer's orders reads the heap instead of the index alone.
	analyze: `VACUUM ANALYZE users, orders, order_items`,
}

// itemsSQL gives order o 1 + o.id % 3 items.
const itemsSQL = `INSERT INTO order_items (order_id, description, quantity, unit_price_cents)
SELECT o.id,
	CASE k.k WHEN 1 THEN 'Photo print 10x15 cm, matt' WHEN 2 THEN 'Photo book A4, 40 pages' ELSE 'Canvas 40x60 cm' END,
	1 + o.id % 5, 25 + o.id % 4000
FROM orders o JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) k ON k.k <= 1 + o.id % 3
WHERE o.id > $1`

// spanText is how far back orders go: four years of 365 days, in seconds.
const spanText = "126144000"
