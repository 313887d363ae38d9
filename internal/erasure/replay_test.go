package erasure

import (
	"context"
	"errors"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

var replayNow = time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)

// replayEnv is an installation: its keys (with the journal), its files
// and one database, which a test may swap for a restored copy.
type replayEnv struct {
	keysDir, filesDir string
	ring              *vault.KeyRing
	vault             *vault.Vault
	now               time.Time
}

func newReplayEnv(t *testing.T) *replayEnv {
	t.Helper()
	e := &replayEnv{keysDir: t.TempDir(), filesDir: t.TempDir(), now: replayNow}
	var err error
	if e.ring, err = vault.OpenKeyRing(e.keysDir); err != nil {
		t.Fatal(err)
	}
	if e.vault, err = vault.OpenDirs(e.filesDir, e.keysDir); err != nil {
		t.Fatal(err)
	}
	return e
}

// services are the erasure and consent services over db, the consent
// one journaling its withdrawals as web wires it.
func (e *replayEnv) services(t *testing.T, db *gorm.DB, dialect models.Dialect) (*Service, *consent.Service) {
	t.Helper()
	clock := func() time.Time { return e.now }
	s := &Service{DB: db, Dialect: dialect, Vault: e.vault, Secrets: e.ring, Journal: OpenJournal(e.keysDir), Now: clock}
	c := &consent.Service{DB: db, Dialect: dialect, Secrets: e.ring, Now: clock, Withdrawn: s.RecordWithdrawal}
	if err := consent.SeedTopics(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return s, c
}

type person struct {
	id    int64
	email string
	files []string
}

// customer makes an account with a photo (two vault files) and a
// granted newsletter and offers by email.
func (e *replayEnv) customer(t *testing.T, db *gorm.DB, c *consent.Service, email string) person {
	t.Helper()
	u := models.User{Email: email, Role: models.RoleCustomer, Name: "Fictional Customer", CreatedAt: e.now.AddDate(-1, 0, 0)}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	p := person{id: u.ID, email: email}
	for range 2 {
		k, err := e.vault.Put([]byte("fictional photo bytes"))
		if err != nil {
			t.Fatal(err)
		}
		p.files = append(p.files, k)
	}
	if err := db.Create(&models.Photo{UserID: u.ID, Filename: "beach.jpg", ContentType: "image/jpeg", FileKey: p.files[0], ThumbKey: p.files[1],
		UploadedAt: e.now.AddDate(0, -2, 0)}).Error; err != nil {
		t.Fatal(err)
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		sub, err := c.SubjectOf(tx, u.ID)
		if err != nil {
			return err
		}
		_, err = c.Apply(tx, sub, []consent.Change{
			{Choice: consent.Marketing("newsletter", models.ChannelEmail), Status: models.ConsentGranted},
			{Choice: consent.Marketing("offers", models.ChannelEmail), Status: models.ConsentGranted}}, consent.Evidence{Method: models.MethodPortal})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeErase stands for the engine (which lands with its own issue): the
// account's photos listed for deletion with their files, the account
// deleted (its ledger subject unlinked), the address suppressed.
func fakeErase(s *Service, erased *[]int64) func(ctx context.Context, uid int64) error {
	return func(ctx context.Context, uid int64) error {
		*erased = append(*erased, uid)
		err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var u models.User
			if err := tx.Take(&u, uid).Error; err != nil {
				return err
			}
			var photos []models.Photo
			if err := tx.Where("user_id = ?", uid).Find(&photos).Error; err != nil {
				return err
			}
			for _, p := range photos {
				holdings.DropFile(tx, p.FileKey, s.now())
				holdings.DropFile(tx, p.ThumbKey, s.now())
			}
			if err := tx.Where("user_id = ?", uid).Delete(&models.Photo{}).Error; err != nil {
				return err
			}
			if err := tx.Delete(&models.User{}, uid).Error; err != nil {
				return err
			}
			return s.Suppress(tx, u.Email, "erasure")
		})
		if err != nil {
			return err
		}
		_, err = holdings.PurgeFiles(ctx, s.DB, s.Vault, 0)
		return err
	}
}

// withdrawNewsletter is the person's one-click unsubscribe of the
// newsletter, through consent (journaled by its hook).
func withdrawNewsletter(t *testing.T, db *gorm.DB, c *consent.Service, uid int64) {
	t.Helper()
	err := db.Transaction(func(tx *gorm.DB) error {
		sub, err := c.SubjectOf(tx, uid)
		if err == nil {
			_, err = c.Apply(tx, sub, []consent.Change{{Choice: consent.Marketing("newsletter", models.ChannelEmail), Status: models.ConsentWithdrawn}},
				consent.Evidence{Method: models.MethodOneClick})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func stateOf(t *testing.T, db *gorm.DB, uid int64, topic string) models.ConsentState {
	t.Helper()
	var st models.ConsentState
	if err := db.Where("subject_id IN (SELECT id FROM consent_subjects WHERE user_id = ?) AND topic = ? AND channel = ?", uid, topic, models.ChannelEmail).
		Limit(1).Find(&st).Error; err != nil {
		t.Fatal(err)
	}
	return st
}

func fileExists(e *replayEnv, key string) bool {
	_, err := e.vault.Get(key)
	return err == nil
}

// copyFile copies a file (the backup, and the restore).
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// copyDir copies the files directory (the files backup and restore).
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o700)
		}
		copyFile(t, p, filepath.Join(to, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestReplayAfterRestore: back up the SQLite file and the files, erase
// Ada and have Bob unsubscribe, put the backup back, replay: Ada is
// erased again (her restored files deleted, her address suppressed
// again), Bob's newsletter is withdrawn again (method replay) while his
// other topic stays, Carol is untouched; a second replay does nothing;
// a new account Ada opens later with the same address is not erased.
func TestReplayAfterRestore(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		replayAfterRestore(t, dbtest.SQLite(t), sqliteBackup)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		if _, err := exec.LookPath("pg_dump"); err != nil {
			t.Skip("no pg_dump")
		}
		replayAfterRestore(t, dbtest.Postgres(t), postgresBackup)
	})
}

// A backup takes a copy of the database and returns its restore, which
// puts the copy back and opens it again.
type backupFunc func(t *testing.T, db *dbtest.DB) (restore func() *gorm.DB)

// sqliteBackup copies the database file (the WAL folded in first, as a
// backup tool would); the restore copies it back over the file.
func sqliteBackup(t *testing.T, db *dbtest.DB) func() *gorm.DB {
	backup := filepath.Join(t.TempDir(), "backup.db")
	// The pragma returns a row: read, so the statement does not stay open.
	var ckpt struct{ Busy, Log, Checkpointed int }
	if err := db.Raw("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&ckpt).Error; err != nil || ckpt.Busy != 0 {
		t.Fatal(err, ckpt)
	}
	copyFile(t, db.URL, backup)
	return func() *gorm.DB {
		// The live handle is closed first, as a restore stops the portal.
		models.Close(db.DB)
		for _, suffix := range []string{"-wal", "-shm"} {
			os.Remove(db.URL + suffix)
		}
		copyFile(t, backup, db.URL)
		restored, _, err := models.Open(db.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { models.Close(restored) })
		return restored
	}
}

// postgresBackup dumps the test's schema with pg_dump; the restore drops
// the schema and pg_restores the dump.
func postgresBackup(t *testing.T, db *dbtest.DB) func() *gorm.DB {
	u, err := url.Parse(db.URL)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	base := os.Getenv(dbtest.EnvPostgres)
	dump := filepath.Join(t.TempDir(), "backup.dump")
	if out, err := exec.Command("pg_dump", "--format=custom", "--schema="+schema, "--file="+dump, base).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v %s", err, out)
	}
	return func() *gorm.DB {
		models.Close(db.DB)
		admin, _, err := models.Open(base)
		if err != nil {
			t.Fatal(err)
		}
		if err := admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error; err != nil {
			t.Fatal(err)
		}
		models.Close(admin)
		if out, err := exec.Command("pg_restore", "--dbname="+base, dump).CombinedOutput(); err != nil {
			t.Fatalf("pg_restore: %v %s", err, out)
		}
		restored, _, err := models.Open(db.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { models.Close(restored) })
		return restored
	}
}

func replayAfterRestore(t *testing.T, db *dbtest.DB, backupOf backupFunc) {
	ctx := context.Background()
	env := newReplayEnv(t)
	s, c := env.services(t, db.DB, db.Dialect)
	ada := env.customer(t, db.DB, c, "ada@example.com")
	bob := env.customer(t, db.DB, c, "bob@example.com")
	carol := env.customer(t, db.DB, c, "carol@example.com")

	// The backup.
	restore := backupOf(t, db)
	filesBackup := t.TempDir()
	copyDir(t, env.filesDir, filesBackup)

	// After it: Ada is erased, Bob unsubscribes.
	var erased []int64
	env.now = replayNow.Add(time.Hour)
	if err := s.recordErasure(ada.id, ada.email, nil); err != nil {
		t.Fatal(err)
	}
	if err := fakeErase(s, &erased)(ctx, ada.id); err != nil {
		t.Fatal(err)
	}
	withdrawNewsletter(t, db.DB, c, bob.id)
	if fileExists(env, ada.files[0]) {
		t.Fatal("the erasure left Ada's file")
	}

	// The restore: the database file and the files put back.
	restored := restore()
	dialect := db.Dialect
	copyDir(t, filesBackup, env.filesDir)
	var n int64
	restored.Model(&models.User{}).Where("id = ?", ada.id).Count(&n)
	if n != 1 || !fileExists(env, ada.files[0]) || stateOf(t, restored, bob.id, "newsletter").Status != models.ConsentGranted {
		t.Fatal("the restore did not bring the old state back")
	}

	env.now = replayNow.Add(2 * time.Hour)
	rs, rc := env.services(t, restored, dialect)
	erased = nil
	r := &Replayer{Erasure: rs, Consent: rc, Erase: fakeErase(rs, &erased)}
	res, err := r.Replay(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := ReplayResult{Entries: 2, Erasures: 1, AccountsErased: 1, Suppressions: 1, Withdrawals: 1, ConsentsWithdrawn: 1}
	if res != want {
		t.Errorf("replay %+v\nwant   %+v", res, want)
	}
	if !slices.Equal(erased, []int64{ada.id}) {
		t.Errorf("erased %v, want Ada (%d)", erased, ada.id)
	}
	restored.Model(&models.User{}).Where("id = ?", ada.id).Count(&n)
	if n != 0 {
		t.Error("Ada came back")
	}
	for _, k := range ada.files {
		if fileExists(env, k) {
			t.Errorf("Ada's restored file %s is still there", k)
		}
	}
	for _, k := range append(bob.files, carol.files...) {
		if !fileExists(env, k) {
			t.Errorf("someone else's file %s went", k)
		}
	}
	if ok, _ := consent.Suppressed(restored, env.ring, "ada@example.com"); !ok {
		t.Error("Ada's address is not suppressed in the restored database")
	}
	st := stateOf(t, restored, bob.id, "newsletter")
	var ev models.ConsentEvent
	restored.Take(&ev, st.EventID)
	if st.Status != models.ConsentWithdrawn || ev.Method != consent.MethodReplay {
		t.Errorf("Bob's newsletter %s by %s", st.Status, ev.Method)
	}
	if stateOf(t, restored, bob.id, "offers").Status != models.ConsentGranted || stateOf(t, restored, carol.id, "newsletter").Status != models.ConsentGranted {
		t.Error("a choice nobody withdrew changed")
	}

	// Idempotent: nothing more to do, and the replay wrote no new line.
	erased = nil
	if res, err = r.Replay(ctx); err != nil {
		t.Fatal(err)
	}
	if res != (ReplayResult{Entries: 2, Erasures: 1, Withdrawals: 1}) || len(erased) != 0 {
		t.Errorf("second replay %+v, erased %v", res, erased)
	}

	// Ada opens a new account later: it is not the erased one. And Bob
	// subscribing again after the replay is his choice, which stands.
	env.now = replayNow.Add(3 * time.Hour)
	if err := restored.Create(&models.User{Email: "ada@example.com", Role: models.RoleCustomer, CreatedAt: env.now}).Error; err != nil {
		t.Fatal(err)
	}
	err = restored.Transaction(func(tx *gorm.DB) error {
		sub, err := rc.SubjectOf(tx, bob.id)
		if err == nil {
			_, err = rc.Apply(tx, sub, []consent.Change{{Choice: consent.Marketing("newsletter", models.ChannelEmail), Status: models.ConsentGranted}},
				consent.Evidence{Method: models.MethodConfirm})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if res, err = r.Replay(ctx); err != nil || res.AccountsErased != 0 || res.ConsentsWithdrawn != 0 || len(erased) != 0 {
		t.Errorf("replay after a new account and a new opt-in: %+v %v erased %v", res, err, erased)
	}
}

// TestReplayMatching, on both databases: a database restored from
// before the journal's lines (the lines written, the database left as
// it was) gets them applied by id or by address, under an old key
// version too; a signed-out opt-out the backup never had is made again.
func TestReplayMatching(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		env := newReplayEnv(t)
		s, c := env.services(t, db.DB, db.Dialect)
		byID := env.customer(t, db.DB, c, "by-id@example.com")
		byEmail := env.customer(t, db.DB, c, "by-email@example.com")
		keep := env.customer(t, db.DB, c, "keep@example.com")
		withdrew := env.customer(t, db.DB, c, "withdrew@example.com")
		// Erased before the backup, the account kept by a legal hold.
		held := env.customer(t, db.DB, c, "held@example.com")
		if err := db.Create(&models.Erasure{UserID: &held.id, Status: models.ErasureCompleted, CoolOffUntil: env.now, CreatedAt: env.now}).Error; err != nil {
			t.Fatal(err)
		}

		env.now = replayNow.Add(time.Hour)
		// The erasure journaled under the first key version, then a rotation.
		if err := s.recordErasure(byID.id, "an-address-changed-since@example.com", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := env.ring.AddKey(); err != nil {
			t.Fatal(err)
		}
		if err := s.recordErasure(0, "BY-EMAIL@example.com", nil); err != nil {
			t.Fatal(err)
		}
		if err := s.recordErasure(held.id, held.email, nil); err != nil {
			t.Fatal(err)
		}
		for _, line := range []consent.Withdrawal{
			{UserID: withdrew.id, Email: withdrew.email, Purpose: models.PurposeMarketing, Topic: "offers", Channel: models.ChannelEmail},
			{SubjectHash: c.EmailHash("stranger@example.com"), Purpose: models.PurposeSaleShare},
			{UserID: byID.id, Purpose: models.PurposeMarketing, Topic: "offers", Channel: models.ChannelEmail},
		} {
			line.At = env.now
			if err := s.RecordWithdrawal(nil, line); err != nil {
				t.Fatal(err)
			}
		}
		var erased []int64
		r := &Replayer{Erasure: s, Consent: c, Erase: fakeErase(s, &erased)}
		res, err := r.Replay(ctx)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(erased)
		if !slices.Equal(erased, []int64{byID.id, byEmail.id}) {
			t.Errorf("erased %v, want %d and %d", erased, byID.id, byEmail.id)
		}
		if res.AccountsErased != 2 || res.Erasures != 3 || res.Withdrawals != 3 || res.ConsentsWithdrawn != 2 || res.FilesDeleted != 0 {
			t.Errorf("result %+v", res)
		}
		if stateOf(t, db.DB, withdrew.id, "offers").Status != models.ConsentWithdrawn ||
			stateOf(t, db.DB, withdrew.id, "newsletter").Status != models.ConsentGranted ||
			stateOf(t, db.DB, keep.id, "offers").Status != models.ConsentGranted {
			t.Error("withdrawals applied to the wrong choices")
		}
		var sale models.ConsentState
		db.Where("purpose = ? AND subject_id IN (SELECT id FROM consent_subjects WHERE email_hash IN ?)", models.PurposeSaleShare,
			env.ring.MACs("consent.email", "stranger@example.com")).Limit(1).Find(&sale)
		if sale.Status != models.ConsentWithdrawn {
			t.Errorf("the signed-out opt-out was not made again: %+v", sale)
		}
		if res, err := r.Replay(ctx); err != nil || res.AccountsErased != 0 || res.ConsentsWithdrawn != 0 {
			t.Errorf("second replay %+v %v", res, err)
		}
	})
}

// TestReplayBrokenJournal: a broken journal is replayed up to the break,
// and the break is reported.
func TestReplayBrokenJournal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newReplayEnv(t)
	db := dbtest.SQLite(t)
	s, c := env.services(t, db.DB, db.Dialect)
	first := env.customer(t, db.DB, c, "first@example.com")
	second := env.customer(t, db.DB, c, "second@example.com")
	env.now = replayNow.Add(time.Hour)
	s.recordErasure(first.id, first.email, nil)
	s.recordErasure(second.id, second.email, nil)
	raw, _ := os.ReadFile(s.Journal.Path)
	os.WriteFile(s.Journal.Path, raw[:len(raw)-3], 0o600) // the last line torn
	var erased []int64
	res, err := (&Replayer{Erasure: s, Consent: c, Erase: fakeErase(s, &erased)}).Replay(ctx)
	if err == nil || res.AccountsErased != 1 || !slices.Equal(erased, []int64{first.id}) {
		t.Fatalf("broken journal: %+v %v erased %v", res, err, erased)
	}
}

// TestReplayThroughEngine is the replay end to end: the default Erase
// inserts a running erasure with no request and runs the engine. It
// skips while the engine is the placeholder (the erasure stays running).
func TestReplayThroughEngine(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		env := newReplayEnv(t)
		s, c := env.services(t, db.DB, db.Dialect)
		if err := SeedStrategies(ctx, db.DB, env.now); err != nil {
			t.Fatal(err)
		}
		ada := env.customer(t, db.DB, c, "ada@example.com")
		keep := env.customer(t, db.DB, c, "keep@example.com")
		env.now = replayNow.Add(time.Hour)
		if err := s.recordErasure(ada.id, ada.email, nil); err != nil {
			t.Fatal(err)
		}
		r := &Replayer{Erasure: s, Consent: c}
		res, err := r.Replay(ctx)
		if errors.Is(err, ErrNoEngine) {
			t.Skip("needs the engine")
		}
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		db.Model(&models.User{}).Where("id = ?", ada.id).Count(&n)
		if n != 0 || res.AccountsErased != 1 {
			t.Fatalf("through the engine: %+v, account left %d", res, n)
		}
		var e models.Erasure
		db.Where("request_id IS NULL").Take(&e)
		if e.Status == models.ErasureRunning || e.ReportEmail != "" || e.ReportMailID != nil {
			t.Errorf("the replay's erasure %+v", e)
		}
		for _, k := range ada.files {
			if fileExists(env, k) {
				t.Errorf("Ada's file %s is still there", k)
			}
		}
		if !fileExists(env, keep.files[0]) {
			t.Error("someone else's file went")
		}
		if ok, _ := consent.Suppressed(db.DB, env.ring, ada.email); !ok {
			t.Error("Ada's address is not suppressed")
		}
	})
}

// TestReplayKeepsTheErasureScope: a journaled erasure of the photos
// alone, replayed into a restored database, erases the photos again and
// nothing else: the account, its consents and its address stay, and the
// address is not suppressed.
func TestReplayKeepsTheErasureScope(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		env := newReplayEnv(t)
		s, c := env.services(t, db.DB, db.Dialect)
		if err := SeedStrategies(ctx, db.DB, env.now); err != nil {
			t.Fatal(err)
		}
		ada := env.customer(t, db.DB, c, "ada@example.com")
		env.now = replayNow.Add(time.Hour)
		if err := s.recordErasure(ada.id, ada.email, []string{holdings.KeyPhotos}); err != nil {
			t.Fatal(err)
		}
		res, err := (&Replayer{Erasure: s, Consent: c}).Replay(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var users, photos int64
		db.Model(&models.User{}).Where("id = ?", ada.id).Count(&users)
		db.Model(&models.Photo{}).Where("user_id = ?", ada.id).Count(&photos)
		if res.AccountsErased != 1 || users != 1 || photos != 0 {
			t.Errorf("replayed photos-only erasure: %+v, account %d, photos %d", res, users, photos)
		}
		for _, k := range ada.files {
			if fileExists(env, k) {
				t.Errorf("the photo file %s came back", k)
			}
		}
		if ok, _ := consent.Suppressed(db.DB, env.ring, ada.email); ok {
			t.Error("a photos-only erasure suppressed the address")
		}
		var e models.Erasure
		db.Where("request_id IS NULL").Take(&e)
		if e.Categories != holdings.KeyPhotos {
			t.Errorf("the replay's erasure names %q", e.Categories)
		}
		// Replayed again: it is done, nothing more happens.
		res, err = (&Replayer{Erasure: s, Consent: c}).Replay(ctx)
		if err != nil || res.AccountsErased != 0 {
			t.Errorf("second replay: %+v, %v", res, err)
		}
	})
}
