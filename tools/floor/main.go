// Command floor is the fixed yardstick `make load` measures the portal
// against: the least a server can do to show a customer's orders. One
// prepared query through database/sql with 8 connections, rendered with
// html/template; no session, no middleware, no ORM. It is not tuned either
// way: changing it moves every ratio in the load report, so leave it be.
//
//	floor --db DATABASE_URL --addr 127.0.0.1:9090 --users 1001-1200
//
// GET /orders shows the latest 20 orders of a random customer of --users
// (?user=ID pins one, e.g. the heavy customer); GET /hello answers "ok",
// the floor for the portal's /healthz.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"log"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/mattn/go-sqlite3"
)

const query = `SELECT number, status, placed_at, total_cents FROM orders WHERE user_id = ? ORDER BY placed_at DESC LIMIT 20`

var page = template.Must(template.New("orders").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Your orders</title></head>
<body><main><h1>Your orders</h1>
<table><thead><tr><th>Number</th><th>Placed</th><th>Status</th><th>Total</th></tr></thead>
<tbody>{{range .}}<tr><td>{{.Number}}</td><td>{{.PlacedAt.Format "2 Jan 2006"}}</td><td>{{.Status}}</td><td>{{.Total}}</td></tr>
{{end}}</tbody></table></main></body></html>
`))

type order struct {
	Number, Status string
	PlacedAt       time.Time
	Total          string
}

func main() {
	dbURL := flag.String("db", "", "postgres://… or an SQLite file path (as PORTAL_DATABASE_URL)")
	addr := flag.String("addr", "127.0.0.1:9090", "address to listen on")
	users := flag.String("users", "", "customer ids to pick from at random: LO-HI")
	flag.Parse()
	lo, hi, err := parseRange(*users)
	if err != nil || *dbURL == "" {
		fmt.Fprintln(os.Stderr, "usage: floor --db DATABASE_URL --users LO-HI [--addr HOST:PORT]")
		os.Exit(2)
	}
	db, stmt, err := open(*dbURL)
	if err != nil {
		log.Fatal("floor: ", err)
	}
	defer db.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		id := lo + rand.Int64N(hi-lo+1)
		if v := r.URL.Query().Get("user"); v != "" {
			if id, err = strconv.ParseInt(v, 10, 64); err != nil {
				http.Error(w, "bad user", http.StatusBadRequest)
				return
			}
		}
		orders, err := latestOrders(r.Context(), stmt, id)
		if err != nil {
			log.Print("floor: ", err)
			http.Error(w, "query failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := page.Execute(w, orders); err != nil {
			log.Print("floor: ", err)
		}
	})
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal("floor: ", err)
	}
}

// open connects the way the portal does (models/db.go): the same driver
// and SQLite pragmas, so the floor differs from the portal only in what
// it does per request.
func open(dbURL string) (*sql.DB, *sql.Stmt, error) {
	driver, dsn, q := "sqlite3", sqliteDSN(dbURL), query
	if strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://") {
		driver, dsn, q = "pgx", dbURL, strings.Replace(query, "?", "$1", 1)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	stmt, err := db.Prepare(q)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, stmt, nil
}

func sqliteDSN(path string) string {
	path = strings.TrimPrefix(strings.TrimPrefix(path, "sqlite:"), "file:")
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "NORMAL")
	return "file:" + path + "?" + q.Encode()
}

func latestOrders(ctx context.Context, stmt *sql.Stmt, userID int64) ([]order, error) {
	rows, err := stmt.QueryContext(ctx, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]order, 0, 20)
	for rows.Next() {
		var o order
		var cents int64
		if err := rows.Scan(&o.Number, &o.Status, &o.PlacedAt, &cents); err != nil {
			return nil, err
		}
		o.Total = fmt.Sprintf("€%d.%02d", cents/100, cents%100)
		out = append(out, o)
	}
	return out, rows.Err()
}

func parseRange(s string) (lo, hi int64, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, errors.New("want LO-HI")
	}
	if lo, err = strconv.ParseInt(a, 10, 64); err != nil {
		return 0, 0, err
	}
	if hi, err = strconv.ParseInt(b, 10, 64); err != nil {
		return 0, 0, err
	}
	if lo < 1 || hi < lo {
		return 0, 0, errors.New("want 1 ≤ LO ≤ HI")
	}
	return lo, hi, nil
}
