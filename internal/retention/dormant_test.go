package retention

import (
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

func TestDormantAccounts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		var started []int64
		e.s.StartErasure = func(tx *gorm.DB, userID int64, email, locale string) error {
			started = append(started, userID)
			return tx.Create(&models.Erasure{UserID: &userID, Status: models.ErasureCoolingOff, CoolOffUntil: e.clock.Now(),
				ReportEmail: email, ReportLocale: locale, CreatedAt: e.clock.Now()}).Error
		}
		staff := models.User{Email: "staff@example.com", Role: models.RoleStaff, CreatedAt: testNow.AddDate(-6, 0, 0)}
		e.create(t, &staff)
		dormant := e.customer(t, "dormant@example.com")
		e.create(t, &models.LoginEvent{UserID: dormant.ID, CreatedAt: testNow.AddDate(-4, 0, 0), Event: "signin"},
			&models.Order{UserID: dormant.ID, Number: "A-1", PlacedAt: testNow.AddDate(-3, -1, 0), Status: "delivered", Currency: "EUR"})
		active := e.customer(t, "active@example.com")
		e.create(t, &models.LoginEvent{UserID: active.ID, CreatedAt: testNow.AddDate(-1, 0, 0), Event: "signin"})
		buyer := e.customer(t, "buyer@example.com")
		e.create(t, &models.Order{UserID: buyer.ID, Number: "B-1", PlacedAt: testNow.AddDate(-2, 0, 0), Status: "delivered", Currency: "EUR"})
		held := e.customer(t, "held@example.com")
		e.create(t, &models.LegalHold{UserID: held.ID, Categories: "orders", Reason: "debt", PlacedByID: staff.ID, PlacedAt: testNow})
		restricted := e.customer(t, "restricted@example.com")
		e.create(t, &models.Restriction{UserID: restricted.ID, Ground: "request", PlacedAt: testNow})
		returning := e.customer(t, "returning@example.com")

		f, err := e.s.DryRun(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if f.DormantWarn != 2 || f.DormantErase != 0 {
			t.Errorf("dry run: warn %d, erase %d; want 2, 0", f.DormantWarn, f.DormantErase)
		}
		c := e.run(t)
		if c["dormant_warned"] != 2 {
			t.Fatalf("warned %d, want the dormant and the returning customer", c["dormant_warned"])
		}
		var mails []models.OutboxMessage
		if err := db.Where("template = ?", MailDormantWarning).Order("id").Find(&mails).Error; err != nil {
			t.Fatal(err)
		}
		if len(mails) != 2 || mails[0].ToAddress != dormant.Email || mails[0].Locale != "fr" {
			t.Fatalf("warnings %+v", mails)
		}
		if c := e.run(t); c["dormant_warned"] != 0 {
			t.Errorf("warned again: %d", c["dormant_warned"])
		}
		// The returning customer signs in during the grace: the notice goes.
		e.clock.Advance(5 * day)
		e.create(t, &models.LoginEvent{UserID: returning.ID, CreatedAt: e.clock.Now(), Event: "signin"})
		if c := e.run(t); c["dormant_revived"] != 1 || len(started) != 0 {
			t.Errorf("revived %d, started %v", c["dormant_revived"], started)
		}
		// After the grace (30 days by default) the erasure starts, once.
		e.clock.Advance(26 * day)
		e.run(t)
		e.run(t)
		if len(started) != 1 || started[0] != dormant.ID {
			t.Errorf("erasures started for %v, want only %d", started, dormant.ID)
		}
		if n := e.count(t, &models.DormancyNotice{}, ""); n != 1 {
			t.Errorf("%d notices, want the dormant one's until its account goes", n)
		}
	})
}

func TestDormancyOff(t *testing.T) {
	t.Parallel()
	db := dbtest.SQLite(t)
	e := newEnv(t, db)
	e.setting(t, "retention.dormant_years", 0)
	e.customer(t, "old@example.com")
	if c := e.run(t); c["dormant_warned"] != 0 {
		t.Errorf("warned %d with the rule off", c["dormant_warned"])
	}
	f, err := e.s.DryRun(t.Context())
	if err != nil || f.DormantWarn != -1 {
		t.Errorf("dry run %d, %v", f.DormantWarn, err)
	}
}
