package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

// wrongCode is a valid-looking code different from code.
func wrongCode(code string) string {
	return fmt.Sprintf("%06d", (mustAtoi(code)+1)%1_000_000)
}

func mustAtoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func TestEmailCodes(t *testing.T) {
	type step struct {
		advance time.Duration
		purpose models.CodePurpose
		code    func(cur string) string
		wantOK  bool
	}
	right := func(cur string) string { return cur }
	wrong := wrongCode
	tests := []struct {
		name  string
		steps []step
	}{
		{"right code works once", []step{
			{code: right, wantOK: true},
			{code: right, wantOK: false},
		}},
		{"spaces and case of the email do not matter", []step{
			{code: func(cur string) string { return " " + cur[:3] + " " + cur[3:] }, wantOK: true},
		}},
		{"five wrong codes exhaust it", []step{
			{code: wrong}, {code: wrong}, {code: wrong}, {code: wrong}, {code: wrong},
			{code: right, wantOK: false},
		}},
		{"four wrong codes do not", []step{
			{code: wrong}, {code: wrong}, {code: wrong}, {code: wrong},
			{code: right, wantOK: true},
		}},
		{"valid just before 15 minutes", []step{
			{advance: EmailCodeTTL - time.Second, code: right, wantOK: true},
		}},
		{"expired at 15 minutes", []step{
			{advance: EmailCodeTTL, code: right, wantOK: false},
		}},
		{"other purpose refused", []step{
			{purpose: models.CodeEmailChange, code: right, wantOK: false},
			{code: right, wantOK: true},
		}},
		{"malformed codes refused", []step{
			{code: func(cur string) string { return cur[:5] }, wantOK: false},
			{code: func(cur string) string { return cur + "1" }, wantOK: false},
			{code: func(string) string { return "12a456" }, wantOK: false},
		}},
	}
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				c := newClock()
				codes := &Codes{DB: db.DB, Keys: testKeys(t), Now: c.now}
				email := fmt.Sprintf("User%d@Example.test", i)
				cur, err := codes.Issue(nil, email, models.CodeSignIn, nil)
				mustNoErr(t, err)
				for j, s := range tc.steps {
					c.advance(s.advance)
					purpose := s.purpose
					if purpose == "" {
						purpose = models.CodeSignIn
					}
					got, err := codes.Verify(context.Background(), strings.ToLower(email), purpose, s.code(cur))
					if s.wantOK != (err == nil) {
						t.Fatalf("step %d: Verify err = %v, want ok=%v", j, err, s.wantOK)
					}
					if err != nil && !errors.Is(err, ErrCodeInvalid) {
						t.Fatalf("step %d: err = %v, want ErrCodeInvalid", j, err)
					}
					if err == nil && (got.UsedAt == nil || got.Email != strings.ToLower(email)) {
						t.Fatalf("step %d: returned row %+v not marked used or wrong email", j, got)
					}
				}
			})
		}
	})
}

func TestEmailCodeReissueInvalidatesPrevious(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		c := newClock()
		codes := &Codes{DB: db.DB, Keys: testKeys(t), Now: c.now}
		ctx := context.Background()
		user := newUser(t, db, "alice@example.test")
		first, err := codes.Issue(db.DB, "alice@example.test", models.CodeSignIn, &user)
		mustNoErr(t, err)
		var second string
		for second == "" || second == first { // a repeat would make the test meaningless
			second, err = codes.Issue(db.DB, "alice@example.test", models.CodeSignIn, &user)
			mustNoErr(t, err)
		}
		if _, err := codes.Verify(ctx, "alice@example.test", models.CodeSignIn, first); !errors.Is(err, ErrCodeInvalid) {
			t.Errorf("superseded code: err = %v, want ErrCodeInvalid", err)
		}
		row, err := codes.Verify(ctx, "alice@example.test", models.CodeSignIn, second)
		if err != nil {
			t.Fatalf("latest code: %v", err)
		}
		if row.UserID == nil || *row.UserID != user {
			t.Errorf("row.UserID = %v, want %d", row.UserID, user)
		}
		var stored models.EmailCode
		mustNoErr(t, db.First(&stored, row.ID).Error)
		if strings.Contains(stored.CodeHash, second) || !strings.HasPrefix(stored.CodeHash, "v1:") || len(stored.CodeHash) != 67 {
			t.Errorf("stored hash %q: want v1: and 64 hex characters not containing the code", stored.CodeHash)
		}
	})
}

func TestRandomDigitsShape(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		d, err := SixDigits()
		mustNoErr(t, err)
		if len(d) != 6 || !allDigits(d) {
			t.Fatalf("SixDigits() = %q", d)
		}
		seen[d] = true
	}
	if len(seen) < 190 { // 200 draws from a million collide rarely
		t.Errorf("only %d distinct codes in 200 draws", len(seen))
	}
}

func TestEmailCodeConcurrentVerify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		c := newClock()
		codes := &Codes{DB: db.DB, Keys: testKeys(t), Now: c.now}
		code, err := codes.Issue(nil, "race@example.test", models.CodeSignIn, nil)
		mustNoErr(t, err)
		const n = 8
		var wg sync.WaitGroup
		start := make(chan struct{})
		wins := make(chan bool, n)
		errs := make(chan error, n)
		for range n {
			wg.Go(func() {
				<-start
				_, err := codes.Verify(context.Background(), "race@example.test", models.CodeSignIn, code)
				if err != nil && !errors.Is(err, ErrCodeInvalid) {
					errs <- err
				}
				wins <- err == nil
			})
		}
		close(start)
		wg.Wait()
		close(wins)
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		won := 0
		for w := range wins {
			if w {
				won++
			}
		}
		if won != 1 {
			t.Errorf("%d of %d concurrent verifications succeeded, want exactly 1", won, n)
		}
	})
}
