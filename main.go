// Command portal runs the customer privacy portal.
//
//	portal [serve] [flags]          serve the portal (default)
//	portal migrate                  apply database migrations and exit
//	portal demo                     load the demo shop; print its logins
//	portal admin create --email E --name N
//	                                create an admin; the password is read from
//	                                PORTAL_ADMIN_PASSWORD or generated and printed
//	portal audit verify             check the audit log's hash chain
//	portal keys rotate              add a new file encryption key and re-encrypt
//	                                every stored file with it; add a new server
//	                                secret and re-encrypt every TOTP secret
//
// Settings come from PORTAL_* environment variables or the matching flags;
// `portal help` lists them.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/config"
	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/web"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	// -h and --help are asked for before any other flag, so they print
	// the help rather than reach serve's flag parser as an unknown flag.
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		cmd, args = "help", args[1:]
	} else if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(args, stderr)
	case "migrate":
		err = withServer(args, stderr, func(ctx context.Context, s *web.Server) error {
			fmt.Fprintln(stdout, "migrations applied")
			return nil
		})
	case "demo":
		err = withServer(args, stderr, func(ctx context.Context, s *web.Server) error {
			logins, err := s.SeedDemo(ctx)
			for _, l := range logins {
				fmt.Fprintf(stdout, "%s %s %s\n", l.Role, l.Email, l.Password)
			}
			return err
		})
	case "admin":
		err = adminCommand(args, stdout, stderr)
	case "audit":
		if len(args) == 0 || args[0] != "verify" {
			err = errors.New("usage: portal audit verify")
			break
		}
		err = withServer(args[1:], stderr, func(ctx context.Context, s *web.Server) error {
			report, err := audit.New(s.DB(), s.Dialect()).Verify(ctx)
			if err != nil {
				return err
			}
			if report.BrokenID != 0 {
				return fmt.Errorf("audit log broken at entry %d: %s (%d entries checked)", report.BrokenID, report.Reason, report.Checked)
			}
			fmt.Fprintf(stdout, "audit log intact: %d entries checked\n", report.Checked)
			return nil
		})
	case "keys":
		if len(args) == 0 || args[0] != "rotate" {
			err = errors.New("usage: portal keys rotate")
			break
		}
		err = withServer(args[1:], stderr, func(ctx context.Context, s *web.Server) error {
			name, err := s.Vault().AddKey()
			if err != nil {
				return err
			}
			n, err := s.Vault().Reencrypt()
			if err != nil {
				return fmt.Errorf("new key %s added, but re-encryption stopped after %d files: %w (run it again)", name, n, err)
			}
			fmt.Fprintf(stdout, "new key %s; %d files re-encrypted; older .age-key files can now be removed from the keys directory\n", name, n)
			v, err := s.Secrets().AddKey()
			if err != nil {
				return err
			}
			n, err = account.ResealTOTP(ctx, s.DB(), s.Secrets())
			if err != nil {
				return fmt.Errorf("new server secret v%d added, but re-sealing stopped after %d TOTP secrets: %w (run it again)", v, n, err)
			}
			fmt.Fprintf(stdout, "new server secret secret-%d.key; %d TOTP secrets re-encrypted; keep every secret-*.key file: recovery codes stay keyed with the one they were made under\n", v, n)
			return nil
		})
	case "erasure":
		err = erasureCommand(args, stdout, stderr)
	case "settings":
		err = settingsCommand(args, stdout, stderr)
	case "help":
		usage(stdout)
	default:
		usage(stderr)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) { // `portal serve --help`
		usage(stdout)
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "portal:", err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: portal [serve|migrate|demo|admin create|audit verify|keys rotate|erasure replay|erasure verify|settings list|settings set KEY VALUE|help] [flags]")
	fmt.Fprintln(w, "\nsettings (environment variable, flag, default):")
	for _, s := range config.Settings {
		fmt.Fprintf(w, "  %-34s --%-28s %q\n      %s\n", s.Env, s.Flag, s.Default, s.Help)
	}
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func serve(args []string, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cfg, err := config.Load(args, nil)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	s, err := web.New(cfg, logger)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Run(ctx)
}

// withServer builds the server (so migrations run) for a one-shot command.
func withServer(args []string, stderr io.Writer, fn func(context.Context, *web.Server) error) error {
	cfg, err := config.Load(args, nil)
	if err != nil {
		return err
	}
	s, err := web.New(cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(context.Background(), s)
}

// settingsCommand lists the business rules with their current values, or
// sets one as the portal itself (audited like an admin's change), until
// the admin screens for them exist.
func settingsCommand(args []string, stdout, stderr io.Writer) error {
	const use = "usage: portal settings list | portal settings set KEY VALUE"
	switch {
	case len(args) >= 1 && args[0] == "list":
		return withServer(args[1:], stderr, func(ctx context.Context, s *web.Server) error {
			for _, d := range settings.All() {
				v, err := s.Settings().Get(d.Key)
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "%-40s %s\n", d.Key, d.Format(v))
			}
			return nil
		})
	case len(args) >= 3 && args[0] == "set":
		key, value := args[1], args[2]
		return withServer(args[3:], stderr, func(ctx context.Context, s *web.Server) error {
			if err := s.Settings().SetText(ctx, actor.SystemActor(), key, value); err != nil {
				if msg := fault.FieldsOf(err)[key]; msg != "" {
					return fmt.Errorf("%s: %s", key, i18n.Tl(i18n.Default, msg))
				}
				return err
			}
			fmt.Fprintf(stdout, "%s set\n", key)
			return nil
		})
	}
	return errors.New(use)
}

func adminCommand(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: portal admin create --email EMAIL --name NAME")
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the admin's email address")
	name := fs.String("name", "", "the admin's name")
	// Remaining flags are the usual settings (database URL, data dir).
	var rest []string
	for i := 1; i < len(args); i++ {
		a := args[i]
		if (a == "--email" || a == "-email" || a == "--name" || a == "-name") && i+1 < len(args) {
			if err := fs.Parse([]string{a, args[i+1]}); err != nil {
				return err
			}
			i++
			continue
		}
		if strings.HasPrefix(a, "--email=") || strings.HasPrefix(a, "--name=") {
			if err := fs.Parse([]string{a}); err != nil {
				return err
			}
			continue
		}
		rest = append(rest, a)
	}
	pw := os.Getenv("PORTAL_ADMIN_PASSWORD")
	generated := pw == ""
	if generated {
		b := make([]byte, 18)
		rand.Read(b)
		pw = base64.RawURLEncoding.EncodeToString(b)
	}
	return withServer(rest, stderr, func(ctx context.Context, s *web.Server) error {
		u, err := account.CreateAdmin(ctx, s.DB(), s.Dialect(), password.New(1), *email, *name, pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "admin %s created (id %d)\n", u.Email, u.ID)
		if generated {
			fmt.Fprintf(stdout, "password: %s\n(shown once; change it after signing in)\n", pw)
		}
		return nil
	})
}

// erasureCommand replays the erasure journal into a database restored
// from a backup (run it after the restore, before serving again), or
// verifies the journal's chain.
func erasureCommand(args []string, stdout, stderr io.Writer) error {
	const use = "usage: portal erasure replay | portal erasure verify"
	if len(args) == 0 || (args[0] != "replay" && args[0] != "verify") {
		return errors.New(use)
	}
	return withServer(args[1:], stderr, func(ctx context.Context, s *web.Server) error {
		e := s.Erasure()
		if args[0] == "verify" {
			entries, err := e.Journal.Entries(e.Secrets)
			if err != nil {
				return fmt.Errorf("%w (%d entries verified before it)", err, len(entries))
			}
			fmt.Fprintf(stdout, "erasure journal intact: %d entries\n", len(entries))
			return nil
		}
		r := &erasure.Replayer{Erasure: e, Consent: s.Consent()}
		res, err := r.Replay(ctx)
		fmt.Fprintf(stdout, "erasure journal: %d entries (%d erasures, %d withdrawals)\n", res.Entries, res.Erasures, res.Withdrawals)
		fmt.Fprintf(stdout, "accounts erased again: %d\nsuppressions restored: %d\nconsents withdrawn again: %d\nfiles deleted: %d\n",
			res.AccountsErased, res.Suppressions, res.ConsentsWithdrawn, res.FilesDeleted)
		return err
	})
}
