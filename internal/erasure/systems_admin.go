package erasure

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// SystemInput is a connected system as an admin types it.
type SystemInput struct {
	Name         string
	Kind         string // models.SystemManual or models.SystemWebhook; fixed once created
	URL          string
	Instructions string
	Enabled      bool
}

// Credentials are a webhook system's signing secret and API token, shown
// once when created or rotated: the portal keeps the secret sealed and
// only a keyed hash of the token.
type Credentials struct {
	Secret string
	Token  string
}

var (
	errSystemNotFound = fault.New(fault.NotFound, "erasure: connected system not found")
	errOpenTasks      = fault.New(fault.Conflict, "erasure: the system has open tasks")
)

// Systems lists the connected systems by name.
func (s *Service) Systems(ctx context.Context) ([]models.ConnectedSystem, error) {
	var out []models.ConnectedSystem
	if err := s.DB.WithContext(ctx).Order("name, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("erasure: systems: %w", err)
	}
	return out, nil
}

// System is one connected system.
func (s *Service) System(ctx context.Context, id int64) (models.ConnectedSystem, error) {
	var sys models.ConnectedSystem
	err := s.DB.WithContext(ctx).Take(&sys, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sys, errSystemNotFound
	}
	return sys, err
}

// validate checks in and returns the field errors (message ids).
func (s *Service) validateSystem(ctx context.Context, in *SystemInput) error {
	in.Name = strings.TrimSpace(in.Name)
	in.URL = strings.TrimSpace(in.URL)
	in.Instructions = strings.TrimSpace(in.Instructions)
	fields := map[string]string{}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		fields["name"] = "systems.error.name_required"
	case n > 100:
		fields["name"] = "systems.error.name_long"
	}
	switch in.Kind {
	case models.SystemWebhook:
		switch {
		case in.URL == "":
			fields["url"] = "systems.error.url_required"
		case len(in.URL) > 500:
			fields["url"] = urlInvalid
		default:
			if msg := s.checkWebhookURL(ctx, in.URL); msg != "" {
				fields["url"] = msg
			}
		}
		in.Instructions = ""
	case models.SystemManual:
		if in.Instructions == "" {
			fields["instructions"] = "systems.error.instructions_required"
		} else if utf8.RuneCountInString(in.Instructions) > 4000 {
			fields["instructions"] = "systems.error.instructions_long"
		}
		in.URL = ""
	default:
		fields["kind"] = "systems.error.kind"
	}
	if len(fields) > 0 {
		return fault.InvalidFields("erasure: connected system", fields)
	}
	return nil
}

// newCredentials makes a secret and a token and their stored forms.
func (s *Service) newCredentials() (*Credentials, string, string, error) {
	secret, err := newSigningSecret()
	if err != nil {
		return nil, "", "", err
	}
	sealed, err := s.Secrets.Seal(purposeSecret, secret)
	if err != nil {
		return nil, "", "", fmt.Errorf("erasure: seal secret: %w", err)
	}
	token := "ppsys_" + randomID(32)
	return &Credentials{Secret: secret, Token: token}, sealed, s.Secrets.MAC(purposeToken, token), nil
}

// auditSystem appends e, about a connected system, with details.
func (s *Service) auditSystem(tx *gorm.DB, e audit.Entry, details map[string]string) error {
	e.Details = details
	return audit.Append(tx, s.Dialect, e)
}

func systemTarget(id int64) string { return strconv.FormatInt(id, 10) }

// CreateSystem adds a connected system. A webhook system gets its
// signing secret and token, returned here once.
func (s *Service) CreateSystem(ctx context.Context, a actor.Actor, in SystemInput) (models.ConnectedSystem, *Credentials, error) {
	var sys models.ConnectedSystem
	if err := a.RequireAdmin(); err != nil {
		return sys, nil, err
	}
	if err := s.validateSystem(ctx, &in); err != nil {
		return sys, nil, err
	}
	now := s.now()
	sys = models.ConnectedSystem{Name: in.Name, Kind: in.Kind, URL: in.URL, Instructions: in.Instructions,
		Enabled: in.Enabled, CreatedAt: now, UpdatedAt: now}
	var creds *Credentials
	if in.Kind == models.SystemWebhook {
		var err error
		if creds, sys.SecretSealed, sys.TokenHash, err = s.newCredentials(); err != nil {
			return sys, nil, err
		}
	}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&sys).Error; err != nil {
			return err
		}
		// GORM leaves a zero value with a default out of the INSERT, so a
		// system created disabled would come out enabled.
		if !in.Enabled {
			if err := tx.Model(&sys).Update("enabled", false).Error; err != nil {
				return err
			}
		}
		return s.auditSystem(tx, audit.By(a, "systems.created", "connected_system", systemTarget(sys.ID)), map[string]string{"kind": sys.Kind})
	})
	if err != nil {
		return sys, nil, fmt.Errorf("erasure: create system: %w", err)
	}
	return sys, creds, nil
}

// UpdateSystem changes a system's name, URL or instructions and whether
// it is enabled; its kind stays.
func (s *Service) UpdateSystem(ctx context.Context, a actor.Actor, id int64, in SystemInput) error {
	if err := a.RequireAdmin(); err != nil {
		return err
	}
	sys, err := s.System(ctx, id)
	if err != nil {
		return err
	}
	in.Kind = sys.Kind
	if err := s.validateSystem(ctx, &in); err != nil {
		return err
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.ConnectedSystem{}).Where("id = ?", id).Updates(map[string]any{
			"name": in.Name, "url": in.URL, "instructions": in.Instructions, "enabled": in.Enabled, "updated_at": s.now(),
		}).Error; err != nil {
			return fmt.Errorf("erasure: update system %d: %w", id, err)
		}
		return s.auditSystem(tx, audit.By(a, "systems.updated", "connected_system", systemTarget(id)), map[string]string{"enabled": strconv.FormatBool(in.Enabled)})
	})
}

// SetSystemEnabled enables or disables a system: a disabled one gets no
// new tasks and its pending deliveries fail.
func (s *Service) SetSystemEnabled(ctx context.Context, a actor.Actor, id int64, enabled bool) error {
	if err := a.RequireAdmin(); err != nil {
		return err
	}
	if _, err := s.System(ctx, id); err != nil {
		return err
	}
	e := audit.By(a, "systems.disabled", "connected_system", systemTarget(id))
	if enabled {
		e = audit.By(a, "systems.enabled", "connected_system", systemTarget(id))
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.ConnectedSystem{}).Where("id = ?", id).
			Updates(map[string]any{"enabled": enabled, "updated_at": s.now()}).Error; err != nil {
			return fmt.Errorf("erasure: enable system %d: %w", id, err)
		}
		return s.auditSystem(tx, e, nil)
	})
}

// DeleteSystem removes a system and its finished tasks. A system with
// open tasks is refused: an erasure waiting on it would then complete
// without it having been told.
func (s *Service) DeleteSystem(ctx context.Context, a actor.Actor, id int64) error {
	if err := a.RequireAdmin(); err != nil {
		return err
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var open int64
		if err := tx.Model(&models.SystemTask{}).Where("system_id = ? AND status <> ?", id, models.TaskDone).
			Count(&open).Error; err != nil {
			return err
		}
		if open > 0 {
			return errOpenTasks
		}
		res := tx.Delete(&models.ConnectedSystem{}, "id = ?", id)
		if res.Error != nil {
			return fmt.Errorf("erasure: delete system %d: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return errSystemNotFound
		}
		return s.auditSystem(tx, audit.By(a, "systems.deleted", "connected_system", systemTarget(id)), nil)
	})
}

// RotateCredentials gives a webhook system a new signing secret and
// token, returned once; the old ones stop working at once.
func (s *Service) RotateCredentials(ctx context.Context, a actor.Actor, id int64) (*Credentials, error) {
	if err := a.RequireAdmin(); err != nil {
		return nil, err
	}
	sys, err := s.System(ctx, id)
	if err != nil {
		return nil, err
	}
	if sys.Kind != models.SystemWebhook {
		return nil, fault.New(fault.Conflict, "erasure: a manual system has no credentials")
	}
	creds, sealed, hash, err := s.newCredentials()
	if err != nil {
		return nil, err
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.ConnectedSystem{}).Where("id = ?", id).Updates(map[string]any{
			"secret_sealed": sealed, "token_hash": hash, "updated_at": s.now()}).Error; err != nil {
			return fmt.Errorf("erasure: rotate system %d: %w", id, err)
		}
		return s.auditSystem(tx, audit.By(a, "systems.rotated", "connected_system", systemTarget(id)), nil)
	})
	if err != nil {
		return nil, err
	}
	return creds, nil
}
