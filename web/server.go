// Package web assembles the portal: configuration → database → services →
// router and middleware, and runs it with graceful shutdown.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/photolab/privacyportal/handlers"
	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/config"
	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/demo"
	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/export"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/internal/profile"
	"github.com/photolab/privacyportal/internal/ratelimit"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/internal/retention"
	"github.com/photolab/privacyportal/internal/session"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
	"gorm.io/gorm"
)

// Server is one portal instance. Several may share one PostgreSQL database.
type Server struct {
	cfg      config.Config
	logger   *slog.Logger
	db       *gorm.DB
	dialect  models.Dialect
	hasher   *password.Hasher
	sessions *session.Store
	queue    *jobs.Queue
	handlers *handlers.Handler
	holdings *holdings.Store
	accounts *account.Service
	requests *requests.Service
	exports  *export.Service
	consent  *consent.Service
	erasure  *erasure.Service
	retain   *retention.Service
	settings *settings.Service
	vault    *vault.Vault
	secrets  *vault.KeyRing
	handler  http.Handler
	// signinLimiter is the per-IP budget for secret-checking POSTs.
	signinLimiter *ratelimit.Limiter
	draining      atomic.Bool
}

// Option adjusts a Server at construction.
type Option func(*options)

type options struct{ now func() time.Time }

// WithClock makes the sign-in rules (throttling, code expiry) read time
// from now, so tests can move time forward.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// New opens the database, applies migrations and builds the router.
func New(cfg config.Config, logger *slog.Logger, opts ...Option) (*Server, error) {
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("web: data dir: %w", err)
	}
	// MkdirAll leaves an existing directory as it was; the data directory
	// holds the database and the keys, so only the portal's user may enter.
	if err := os.Chmod(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("web: data dir: %w", err)
	}
	db, dialect, err := models.Open(cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := models.Migrate(ctx, db, dialect); err != nil {
		models.Close(db)
		return nil, err
	}
	s := &Server{cfg: cfg, logger: logger, db: db, dialect: dialect}
	// Code with no request at hand (mails, jobs, components given only a
	// time) shows times in the shop's zone.
	i18n.SetShopZone(cfg.TimeZone)
	// Business rules come from the database; Serve keeps them fresh.
	s.settings = settings.New(db, dialect, settings.Options{Logger: logger})
	if err := s.settings.Refresh(ctx); err != nil {
		models.Close(db)
		return nil, err
	}
	clientIP := newClientIP(cfg.TrustedProxies)
	s.hasher = password.New(cfg.HashConcurrency)
	s.sessions = session.New(db, session.Options{
		Secure:   cfg.SecureCookies,
		ClientIP: clientIP,
		Policies: map[models.Role]session.Policy{
			models.RoleCustomer: {Idle: cfg.CustomerIdle, Absolute: cfg.CustomerAbsolute},
			models.RoleStaff:    {Idle: cfg.StaffIdle, Absolute: cfg.StaffAbsolute},
			models.RoleAdmin:    {Idle: cfg.StaffIdle, Absolute: cfg.StaffAbsolute},
		},
	})
	s.secrets, err = vault.OpenKeyRing(cfg.KeysDir)
	if err != nil {
		models.Close(db)
		return nil, err
	}
	mailCfg := mail.Config{SMTPURL: cfg.SMTPURL, From: cfg.MailFrom, BaseURL: cfg.BaseURL, Keys: s.secrets}
	if cfg.DKIMKeyFile != "" {
		key, err := mail.LoadDKIMKey(cfg.DKIMKeyFile)
		if err != nil {
			models.Close(db)
			return nil, err
		}
		mailCfg.DKIM = &mail.DKIM{Domain: cfg.DKIMDomain, Selector: cfg.DKIMSelector, Signer: key}
	}
	if w := cfg.PlainHTTPWarning(); w != "" {
		logger.Warn(w, "base_url", cfg.BaseURL)
	}
	mailer, err := mail.New(mailCfg, logger)
	if err != nil {
		models.Close(db)
		return nil, err
	}
	s.queue = jobs.New(db, dialect, jobs.Options{Workers: cfg.JobWorkers, Logger: logger})
	s.accounts = account.NewService(db, dialect, s.hasher, mailer, s.secrets, cfg.TOTPIssuer, cfg.BaseURL, o.now)
	s.accounts.UseSettings(s.settings)
	s.vault, err = vault.OpenDirs(cfg.FilesDir, cfg.KeysDir)
	if err != nil {
		models.Close(db)
		return nil, err
	}
	s.holdings = &holdings.Store{DB: db, Dialect: dialect, Logger: logger}
	profiles := &profile.Service{DB: db, Dialect: dialect, Now: o.now}
	s.requests = &requests.Service{DB: db, Dialect: dialect, Mailer: mailer, Settings: s.settings, Vault: s.vault,
		Secrets: s.secrets, Profiles: profiles, BaseURL: cfg.BaseURL, Now: o.now, Logger: logger}
	s.exports = &export.Service{DB: db, Dialect: dialect, Vault: s.vault, Mailer: mailer, Settings: s.settings,
		Holdings: s.holdings, Requests: s.requests, Report: views.ExportReport{}, BaseURL: cfg.BaseURL, Now: o.now, Logger: logger}
	s.erasure = &erasure.Service{DB: db, Dialect: dialect, Settings: s.settings, Vault: s.vault, Secrets: s.secrets,
		Mailer: mailer, Requests: s.requests, Journal: erasure.OpenJournal(cfg.KeysDir), BaseURL: cfg.BaseURL, Now: o.now, Logger: logger}
	s.retain = &retention.Service{DB: db, Dialect: dialect, Settings: s.settings, Vault: s.vault, Mailer: mailer,
		Erasure: s.erasure, BaseURL: cfg.BaseURL, Now: o.now, Logger: logger}
	// A dormant account is erased, after its warning, by the same engine
	// as a request, without a cool-off (the warning was it).
	s.retain.StartErasure = func(tx *gorm.DB, userID int64, email, locale string) error {
		_, err := s.erasure.StartWithoutRequest(tx, userID, email, locale)
		return err
	}
	// Approved access and portability requests are answered by a package;
	// an approved erasure starts its cool-off.
	s.requests.Handoffs = map[models.RequestKind]requests.Handoff{
		models.RequestAccess: s.exports.StartForRequest, models.RequestPortability: s.exports.StartForRequest,
		models.RequestErasure: s.erasure.Schedule}
	s.requests.HandoffNotes = map[models.RequestKind]func(*gorm.DB, *models.PrivacyRequest) (string, error){
		models.RequestErasure: s.erasure.CoolOffNote}
	// Applied rectifications and placed restrictions are passed on to the
	// connected systems (Art. 19).
	s.requests.PassOn = s.erasure.PassOn
	s.consent = &consent.Service{DB: db, Dialect: dialect, Secrets: s.secrets, Settings: s.settings, Mailer: mailer,
		BaseURL: cfg.BaseURL, Now: o.now, Logger: logger}
	// Every withdrawal is journaled beside the keys, so a restored backup
	// cannot bring the consent back (erasure replay).
	s.consent.Withdrawn = s.erasure.RecordWithdrawal
	// An objection to direct marketing withdraws it in the consent ledger.
	s.requests.OnMarketingObjection = s.consent.WithdrawAllMarketing
	// The standard marketing topics exist on every installation, demo or
	// not; admins' edits are kept.
	if err := consent.SeedTopics(ctx, db); err != nil {
		models.Close(db)
		return nil, err
	}
	if err := erasure.SeedStrategies(ctx, db, time.Now()); err != nil {
		models.Close(db)
		return nil, err
	}
	// Each service declares its job kinds and schedules.
	if err := s.queue.Install(ctx, mailer.Jobs(db), s.sessions, s.accounts, s.requests, s.exports, s.consent, s.erasure, s.retain); err != nil {
		models.Close(db)
		return nil, err
	}
	s.handlers = &handlers.Handler{
		Sessions: s.sessions, Audit: audit.New(db, dialect), Outbox: &mail.Outbox{DB: db, Dialect: dialect, Mailer: mailer},
		Accounts: s.accounts, Logger: logger,
		Holdings: s.holdings, Profiles: profiles, Requests: s.requests, Exports: s.exports, Consent: s.consent, Erasure: s.erasure, Retention: s.retain, Vault: s.vault, Queue: s.queue,
		ClientIP: clientIP, SecureCookies: cfg.SecureCookies,
	}
	limiter := ratelimit.New(cfg.RateLimit, cfg.RateBurst, time.Now)
	s.signinLimiter = ratelimit.New(float64(cfg.SignInPerMinute)/60, cfg.SignInPerMinute, time.Now)
	s.handler = s.routes(limiter, clientIP)
	return s, nil
}

// Handler is the complete HTTP handler, middleware included.
func (s *Server) Handler() http.Handler { return s.handler }

// DB is the server's database handle (for commands and tests).
func (s *Server) DB() *gorm.DB { return s.db }

// Dialect names the database engine.
func (s *Server) Dialect() models.Dialect { return s.dialect }

// Queue is the server's job queue.
func (s *Server) Queue() *jobs.Queue { return s.queue }

// Holdings is the customer data service (and its catalog cache).
func (s *Server) Holdings() *holdings.Store { return s.holdings }

// Settings is the business rules service.
func (s *Server) Settings() *settings.Service { return s.settings }

// Routes is the routing table, for the authorization matrix test.
func (s *Server) Routes() []handlers.Route { return s.handlers.Routes() }

// SeedDemo loads the demo shop and returns its logins.
func (s *Server) SeedDemo(ctx context.Context) ([]demo.Login, error) {
	logins, err := demo.Seed(ctx, s.db, s.hasher)
	if err != nil {
		return nil, err
	}
	if err := demo.SeedData(ctx, s.db, s.vault, time.Now()); err != nil {
		return nil, err
	}
	for key, value := range demo.DemoSettings {
		if err := s.settings.Set(ctx, actor.SystemActor(), key, value); err != nil {
			return nil, err
		}
	}
	if err := demo.SeedRequests(ctx, s.db, time.Now()); err != nil {
		return nil, err
	}
	// The categories and the policy were just written: this instance shows
	// them at once rather than at its next refresh.
	if err := s.holdings.Refresh(ctx); err != nil {
		return nil, err
	}
	if err := demo.SeedConsents(ctx, s.db, s.consent, time.Now()); err != nil {
		return nil, err
	}
	// Erasures after the consents (the erased customer's are part of what
	// the engine erases) and the connected systems (told of it).
	if err := demo.SeedSystems(ctx, s.db, time.Now()); err != nil {
		return nil, err
	}
	if err := demo.SeedErasures(ctx, s.db, s.erasure, time.Now()); err != nil {
		return nil, err
	}
	// Packages last: the report reads the categories' texts just loaded,
	// and the consent history just written.
	return logins, demo.SeedExports(ctx, s.db, s.exports)
}

// Requests is the privacy requests service.
func (s *Server) Requests() *requests.Service { return s.requests }

// Consent is the marketing preferences service.
func (s *Server) Consent() *consent.Service { return s.consent }

// Exports is the download packages service.
func (s *Server) Exports() *export.Service { return s.exports }

// Erasure is the erasure engine and its connected systems.
func (s *Server) Erasure() *erasure.Service { return s.erasure }

// Retention is the scheduled purge.
func (s *Server) Retention() *retention.Service { return s.retain }

// Vault is the encrypted file store.
func (s *Server) Vault() *vault.Vault { return s.vault }

// Secrets is the server key ring (sealed TOTP secrets, keyed hashes).
func (s *Server) Secrets() *vault.KeyRing { return s.secrets }

// Close releases the database.
func (s *Server) Close() error { return models.Close(s.db) }

// Run serves on cfg.Addr and runs the job workers until ctx is cancelled
// (SIGTERM), then stops accepting, lets in-flight requests finish within
// the shutdown timeout, and waits for running jobs.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("web: listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on an existing listener.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	applyMemoryLimit(s.cfg, s.logger)
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
	settingsCtx, stopSettings := context.WithCancel(ctx)
	defer stopSettings()
	go s.settings.Run(settingsCtx)
	go s.holdings.Run(settingsCtx)
	go s.servePprof(settingsCtx)
	go s.reloadKeys(settingsCtx, keyReloadEvery)
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	jobsDone := make(chan struct{})
	go func() { s.queue.Run(jobsCtx); close(jobsDone) }()

	// Start-up (catalogs, the common-password lists, phone metadata)
	// leaves garbage several times the live heap; return it to the system
	// now rather than at the next cycles, so an idle instance stays small.
	debug.FreeOSMemory()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.logger.Info("portal listening", "addr", ln.Addr().String(), "url", openURL(s.cfg.BaseURL, ln.Addr()), "database", string(s.dialect))

	select {
	case err := <-errc:
		stopJobs()
		<-jobsDone
		return err
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.logger.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	stopJobs()
	<-jobsDone
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// keyReloadEvery is how soon an instance writes with a server secret that
// another instance's `portal keys rotate` added.
const keyReloadEvery = 30 * time.Second

// reloadKeys re-reads the keys directory on a tick, so after a rotation
// every instance seals and keys with the new version without a restart.
func (s *Server) reloadKeys(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.secrets.Reload(); err != nil {
				s.logger.Error("reloading the server secrets failed", "err", err)
			}
		}
	}
}
