// Package session keeps browser sessions in the database behind the
// gorilla/sessions API. The cookie carries only a random 256-bit token; the
// row stores its SHA-256, the signed-in user, the client's IP and user agent
// and the times needed for idle and absolute expiry, so sessions can be
// listed, revoked and shared by several portal instances.
package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// CookieName is the name of the session cookie.
const CookieName = "portal_session"

// Name is the gorilla session name the portal uses for its one session.
const Name = "portal"

// anonymousLifetime bounds rows made for visitors who are not signed in
// (they exist only to carry a flash message across a redirect).
const anonymousLifetime = time.Hour

// touchEvery limits last_seen_at writes to one per interval per session.
const touchEvery = time.Minute

// Policy says how long a session of a role may live.
type Policy struct {
	Idle     time.Duration
	Absolute time.Duration
}

// Options configures a Store.
type Options struct {
	Secure   bool                         // cookie only over HTTPS
	Policies map[models.Role]Policy       // per role; customers, staff and admins differ
	Now      func() time.Time             // injected in tests
	ClientIP func(r *http.Request) string // the IP as the portal believes it
}

// Store is a sessions.Store backed by the sessions table.
type Store struct {
	db   *gorm.DB
	opts Options
}

// New returns a Store.
func New(db *gorm.DB, opts Options) *Store {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ClientIP == nil {
		opts.ClientIP = func(r *http.Request) string { return r.RemoteAddr }
	}
	return &Store{db: db, opts: opts}
}

var _ sessions.Store = (*Store)(nil)

// state is what the store keeps alongside a gorilla session between New
// and Save, under a key no caller can write (a non-string key).
type state struct {
	row  *models.Session
	user *models.User
}

type stateKey struct{}

// Get returns the request's session, cached for the rest of the request.
func (s *Store) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session named by the request's cookie, or starts an empty
// one. An expired or unknown token yields a new, empty session.
func (s *Store) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	sess.Options = &sessions.Options{Path: "/", HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode}
	sess.IsNew = true
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return sess, nil
	}
	row, user, err := s.lookup(r.Context(), c.Value)
	if err != nil || row == nil {
		return sess, err
	}
	if err := decode(row.Data, sess.Values); err != nil {
		return sess, nil
	}
	sess.ID = c.Value
	sess.IsNew = false
	sess.Values[stateKey{}] = &state{row: row, user: user}
	if now := s.opts.Now().UTC(); now.Sub(row.LastSeenAt) >= touchEvery {
		// Best effort: a missed touch only shortens the idle window.
		s.db.WithContext(r.Context()).Model(&models.Session{}).Where("id = ?", row.ID).Update("last_seen_at", now)
		row.LastSeenAt = now
	}
	return sess, nil
}

// lookupSQL reads the session and its user in one statement: this runs
// on every page, and a second round trip for the user was a seventh of a
// typical page's queries. Of the session it reads what the store uses
// (each column of this row costs on every request); the user is whole,
// for the services that are handed it. A session whose user row is gone
// matches no user columns and is treated as unknown.
const lookupSQL = `SELECT s.id, s.user_id, s.data, s.last_seen_at, s.expires_at,
	u.id, u.email, u.password_hash, u.role, u.name, u.locale, u.time_zone, u.totp_secret, u.totp_pending_secret,
	u.totp_enabled_at, u.totp_last_step, u.password_changed_at, u.created_at, u.updated_at
FROM sessions s LEFT JOIN users u ON u.id = s.user_id
WHERE s.token_hash = ?`

func (s *Store) lookup(ctx context.Context, token string) (*models.Session, *models.User, error) {
	rows, err := s.db.WithContext(ctx).Raw(lookupSQL, hashToken(token)).Rows()
	if err != nil {
		return nil, nil, fmt.Errorf("session: lookup: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, nil, rows.Err()
	}
	var row models.Session
	var u struct {
		id, lastStep                          sql.NullInt64
		email, hash, role, name, locale, zone sql.NullString
		totp, pending                         sql.NullString
		enabled, changed, created, updated    sql.NullTime
	}
	if err := rows.Scan(&row.ID, &row.UserID, &row.Data, &row.LastSeenAt, &row.ExpiresAt,
		&u.id, &u.email, &u.hash, &u.role, &u.name, &u.locale, &u.zone, &u.totp, &u.pending,
		&u.enabled, &u.lastStep, &u.changed, &u.created, &u.updated); err != nil {
		return nil, nil, fmt.Errorf("session: lookup: %w", err)
	}
	rows.Close() // before the delete below: the connection is free again
	var user *models.User
	if row.UserID != nil {
		if !u.id.Valid {
			return nil, nil, nil
		}
		user = &models.User{ID: u.id.Int64, Email: u.email.String, PasswordHash: u.hash.String, Role: models.Role(u.role.String),
			Name: u.name.String, Locale: u.locale.String, TimeZone: u.zone.String, TOTPSecret: u.totp.String,
			TOTPPendingSecret: u.pending.String, TOTPEnabledAt: timePtr(u.enabled), TOTPLastStep: u.lastStep.Int64,
			PasswordChangedAt: timePtr(u.changed), CreatedAt: u.created.Time, UpdatedAt: u.updated.Time}
	}
	now := s.opts.Now().UTC()
	if !now.Before(row.ExpiresAt) || !now.Before(row.LastSeenAt.Add(s.idle(user))) {
		s.db.WithContext(ctx).Delete(&models.Session{}, row.ID)
		return nil, nil, nil
	}
	return &row, user, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

func (s *Store) policy(user *models.User) Policy {
	if user == nil {
		return Policy{Idle: anonymousLifetime, Absolute: anonymousLifetime}
	}
	if p, ok := s.opts.Policies[user.Role]; ok {
		return p
	}
	return Policy{Idle: 30 * time.Minute, Absolute: 12 * time.Hour}
}

func (s *Store) idle(user *models.User) time.Duration { return s.policy(user).Idle }

// Save writes the session. MaxAge < 0 deletes it. A session with no user
// and no values is not stored at all, so anonymous page views create no rows.
func (s *Store) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	st, _ := sess.Values[stateKey{}].(*state)
	ctx := r.Context()
	if sess.Options.MaxAge < 0 {
		if st != nil && st.row != nil {
			if err := s.db.WithContext(ctx).Delete(&models.Session{}, st.row.ID).Error; err != nil {
				return fmt.Errorf("session: delete: %w", err)
			}
		}
		http.SetCookie(w, s.cookie("", -1))
		return nil
	}
	data, err := encode(sess.Values)
	if err != nil {
		return err
	}
	if st != nil && st.row != nil {
		if data == st.row.Data {
			return nil
		}
		if err := s.db.WithContext(ctx).Model(&models.Session{}).Where("id = ?", st.row.ID).Update("data", data).Error; err != nil {
			return fmt.Errorf("session: save: %w", err)
		}
		st.row.Data = data
		return nil
	}
	if data == "{}" && (st == nil || st.user == nil) {
		return nil
	}
	var user *models.User
	if st != nil {
		user = st.user
	}
	row, token, err := s.insert(ctx, r, user, data)
	if err != nil {
		return err
	}
	sess.ID = token
	sess.Values[stateKey{}] = &state{row: row, user: user}
	http.SetCookie(w, s.cookie(token, 0))
	return nil
}

func (s *Store) insert(ctx context.Context, r *http.Request, user *models.User, data string) (*models.Session, string, error) {
	token, err := newToken()
	if err != nil {
		return nil, "", err
	}
	now := s.opts.Now().UTC()
	row := &models.Session{
		TokenHash:  hashToken(token),
		Data:       data,
		IP:         s.opts.ClientIP(r),
		UserAgent:  truncate(r.UserAgent(), 512),
		CreatedAt:  now,
		LastSeenAt: now,
		ExpiresAt:  now.Add(s.policy(user).Absolute),
	}
	if user != nil {
		row.UserID = &user.ID
	}
	if err := s.db.WithContext(ctx).Create(row).Error; err != nil {
		return nil, "", fmt.Errorf("session: insert: %w", err)
	}
	return row, token, nil
}

// cookie has no Max-Age: it lives with the browser session, and the
// server-side row decides expiry.
func (s *Store) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode}
}

// User is the signed-in user of the session, or nil.
func User(sess *sessions.Session) *models.User {
	if st, ok := sess.Values[stateKey{}].(*state); ok {
		return st.user
	}
	return nil
}

// SessionID is the database id of the session row, 0 if not stored yet.
func SessionID(sess *sessions.Session) int64 {
	if st, ok := sess.Values[stateKey{}].(*state); ok && st.row != nil {
		return st.row.ID
	}
	return 0
}

// SignIn binds user to a brand-new session: the old row and its token are
// discarded (no session fixation), values that should survive (a pending
// flash) are carried over, and the new cookie is set.
func (s *Store) SignIn(r *http.Request, w http.ResponseWriter, sess *sessions.Session, user *models.User) error {
	if st, ok := sess.Values[stateKey{}].(*state); ok && st.row != nil {
		if err := s.db.WithContext(r.Context()).Delete(&models.Session{}, st.row.ID).Error; err != nil {
			return fmt.Errorf("session: renew: %w", err)
		}
	}
	delete(sess.Values, stateKey{})
	data, err := encode(sess.Values)
	if err != nil {
		return err
	}
	row, token, err := s.insert(r.Context(), r, user, data)
	if err != nil {
		return err
	}
	sess.ID = token
	sess.IsNew = false
	sess.Values[stateKey{}] = &state{row: row, user: user}
	http.SetCookie(w, s.cookie(token, 0))
	return nil
}

// SignOut deletes the session row and clears the cookie. The returned fresh
// session can carry a flash to the next page.
func (s *Store) SignOut(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if st, ok := sess.Values[stateKey{}].(*state); ok && st.row != nil {
		if err := s.db.WithContext(r.Context()).Delete(&models.Session{}, st.row.ID).Error; err != nil {
			return fmt.Errorf("session: sign out: %w", err)
		}
	}
	for k := range sess.Values {
		delete(sess.Values, k)
	}
	sess.ID = ""
	sess.IsNew = true
	http.SetCookie(w, s.cookie("", -1))
	return nil
}

// DeleteExpired removes rows past their absolute expiry; run periodically.
func (s *Store) DeleteExpired(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at <= ?", s.opts.Now().UTC()).Delete(&models.Session{})
	return res.RowsAffected, res.Error
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("session: token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// encode stores string-keyed values as JSON. The store's own state (under a
// non-string key) is skipped; any other key type is a programming error.
func encode(values map[any]any) (string, error) {
	m := make(map[string]any, len(values))
	for k, v := range values {
		switch k := k.(type) {
		case string:
			m[k] = v
		case stateKey:
		default:
			return "", fmt.Errorf("session: key %v is not a string", k)
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("session: encode: %w", err)
	}
	return string(b), nil
}

func decode(data string, values map[any]any) error {
	if data == "" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return err
	}
	for k, v := range m {
		values[k] = v
	}
	return nil
}
