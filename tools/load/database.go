package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/loadgen"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/models"
)

// loadPassword is every load customer's password; it is hashed once.
const loadPassword = "load harness passphrase"

// customer is one load customer who signs in.
type customer struct {
	id    int64
	email string
}

// dataset is what the generated database holds for the run.
type dataset struct {
	heavy   customer
	typical []customer
}

// scratchPostgres creates an empty database on the server dsn names and
// returns its URL and a function that drops it.
func scratchPostgres(ctx context.Context, dsn string) (string, func() error, error) {
	admin, _, err := models.Open(dsn)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "portal_load_" + hex.EncodeToString(b)
	if err := admin.WithContext(ctx).Exec("CREATE DATABASE " + name).Error; err != nil {
		models.Close(admin)
		return "", nil, fmt.Errorf("create scratch database: %w", err)
	}
	drop := func() error {
		defer models.Close(admin)
		// FORCE: a portal killed mid-run may leave connections behind.
		return admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").Error
	}
	u, err := url.Parse(dsn)
	if err != nil {
		drop()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// seed migrates and loads the demo shop with the portal itself (`portal
// demo`: the data categories, the policy and the demo accounts), then
// generates the load customers and orders, and gives the heavy customer and
// the first typical ones the same password.
func seed(ctx context.Context, cfg config, portalBin string, env []string, dbURL string) (dataset, error) {
	cmd := exec.CommandContext(ctx, portalBin, "demo")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return dataset{}, fmt.Errorf("portal demo: %w\n%s", err, out)
	}
	db, dialect, err := models.Open(dbURL)
	if err != nil {
		return dataset{}, err
	}
	defer models.Close(db)
	start := time.Now()
	heavy, _, err := loadgen.Generate(ctx, db, dialect, cfg.customers, cfg.orders, cfg.heavy)
	if err != nil {
		return dataset{}, err
	}
	logf("%s: generated %d customers, %d orders (heavy customer: %d) in %s", dialect, cfg.customers, cfg.orders, cfg.heavy, since(start))

	hash, err := password.New(1).Hash(ctx, loadPassword)
	if err != nil {
		return dataset{}, err
	}
	// The heavy customer is the first generated one, the typical ones follow.
	last := heavy + int64(cfg.typical)
	if err := db.WithContext(ctx).Exec("UPDATE users SET password_hash = ? WHERE id BETWEEN ? AND ?", hash, heavy, last).Error; err != nil {
		return dataset{}, fmt.Errorf("set passwords: %w", err)
	}
	rows, err := db.WithContext(ctx).Raw("SELECT id, email FROM users WHERE id BETWEEN ? AND ? ORDER BY id", heavy, last).Rows()
	if err != nil {
		return dataset{}, err
	}
	defer rows.Close()
	var ds dataset
	for rows.Next() {
		var c customer
		if err := rows.Scan(&c.id, &c.email); err != nil {
			return dataset{}, err
		}
		if c.id == heavy {
			ds.heavy = c
		} else {
			ds.typical = append(ds.typical, c)
		}
	}
	if err := rows.Err(); err != nil {
		return dataset{}, err
	}
	if ds.heavy.id == 0 || len(ds.typical) != cfg.typical {
		return dataset{}, fmt.Errorf("expected the heavy and %d typical customers, found %d typical", cfg.typical, len(ds.typical))
	}
	return ds, nil
}

// portalEnv is the environment of every portal process: the developer's
// own PORTAL_* variables are dropped so they cannot change the run.
// Limits are raised so nothing is throttled; the access log stays on, as
// in a real deployment, and goes to a file.
func portalEnv(dataDir, dbURL string, cfg config, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PORTAL_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"PORTAL_DATA_DIR="+dataDir,
		"PORTAL_DATABASE_URL="+dbURL,
		"PORTAL_RATE_LIMIT=1000000",
		"PORTAL_RATE_BURST=1000000",
		"PORTAL_SIGNIN_RATE_LIMIT=1000000",
		fmt.Sprintf("PORTAL_JOB_WORKERS=%d", cfg.jobWorkers),
		"PORTAL_LOG_FORMAT=json",
		"PORTAL_LOG_LEVEL=info",
	)
	return append(env, extra...)
}
