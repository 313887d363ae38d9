package erasure

import (
	"context"
	"fmt"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

// BenchmarkJournalAppend is one journaled erasure or withdrawal: a line
// and the head, each fsynced (the cost a withdrawal's transaction pays).
func BenchmarkJournalAppend(b *testing.B) {
	s, _ := journalService(b)
	b.ResetTimer()
	for i := range b.N {
		if err := s.recordErasure(int64(i+1), "bench@example.com", nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReplayMatch is replay's walk over the restored accounts
// (hashing each id and address) against a journal of 100 erasures and
// 100 withdrawals, on 100,000 accounts; nothing matches, so it is the
// walk alone. PORTAL_TEST_POSTGRES_DSN adds PostgreSQL.
func BenchmarkReplayMatch(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			var db *dbtest.DB
			if name == "sqlite" {
				db = dbtest.SQLite(b)
			} else {
				db = dbtest.Postgres(b)
			}
			s, _ := journalService(b)
			s.DB, s.Dialect = db.DB, db.Dialect
			const accounts = 100_000
			batch := make([]models.User, 0, 1000)
			for i := range accounts {
				batch = append(batch, models.User{Email: fmt.Sprintf("customer%d@example.com", i), Role: models.RoleCustomer, CreatedAt: journalNow.AddDate(-1, 0, 0)})
				if len(batch) == cap(batch) {
					if err := db.Create(&batch).Error; err != nil {
						b.Fatal(err)
					}
					batch = batch[:0]
				}
			}
			erasures, withdrawals := map[string][]Entry{}, map[string][]Entry{}
			for i := range 100 {
				e := Entry{Kind: KindErasure, At: journalNow, Email: s.Secrets.MAC(macEmail, fmt.Sprintf("gone%d@example.com", i))}
				erasures[e.Email] = append(erasures[e.Email], e)
				w := Entry{Kind: KindWithdrawal, At: journalNow, User: s.Secrets.MAC(macUser, fmt.Sprint(accounts+10+i))}
				withdrawals[w.User] = append(withdrawals[w.User], w)
			}
			r := &Replayer{Erasure: s}
			b.ResetTimer()
			for range b.N {
				erase, matches, err := r.match(context.Background(), erasures, withdrawals)
				if err != nil || len(erase) != 0 || len(matches) != 0 {
					b.Fatal(err, erase, matches)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/accounts, "ns/account")
		})
	}
}
