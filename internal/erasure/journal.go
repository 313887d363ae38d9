package erasure

import "gorm.io/gorm"

// Journal is the erasure journal (TODO(issue 13, journal)).
type Journal struct{ Path string }

// Suppress adds email's keyed hash to the suppression list, in tx.
func (s *Service) Suppress(tx *gorm.DB, email, reason string) error { return nil }

// OpenJournal is the journal file in keysDir.
func OpenJournal(keysDir string) *Journal { return &Journal{Path: keysDir} }
