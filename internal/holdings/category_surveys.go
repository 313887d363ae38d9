package holdings

import (
	"context"
	"fmt"

	"github.com/photolab/privacyportal/models"
)

// KeySurveys is the customer's survey and competition answers.
const KeySurveys = "surveys"

type surveysCategory struct{}

func (surveysCategory) Key() string      { return KeySurveys }
func (surveysCategory) Path() string     { return "/account/data/surveys" }
func (surveysCategory) Tables() []string { return []string{"survey_answers"} }

func (surveysCategory) Tally() Tally {
	return counted
}

// Surveys returns one page of the customer's survey and competition
// answers, newest first.
func (s *Store) Surveys(ctx context.Context, userID int64, limit, offset int) ([]models.SurveyAnswer, int64, error) {
	rows, total, err := list[models.SurveyAnswer](ctx, s.DB, KeySurveys, userID, "answered_at DESC, id DESC", limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("holdings: surveys: %w", err)
	}
	return rows, total, nil
}

// Correctable: none. An answer is what the customer said at the time (a
// competition's entry cannot change after the draw); it can be erased.
func (surveysCategory) Correctable() []Correctable { return nil }

// Export: every survey and competition answer, with its question.
func (surveysCategory) Export() []Set {
	from, args := byUser("survey_answers")
	return []Set{{Name: "answers", Table: "survey_answers", From: from, Args: args,
		Fields: []Field{f("id", FieldInt), f("answered_at", FieldTime), f("kind", FieldString), f("title", FieldString),
			f("question", FieldString), f("answer", FieldString)},
		Excluded: map[string]string{"user_id": "the account the export is for"}}}
}

// Erasure: the answers go. Pseudonymizing them for statistics would need
// answers without an account (survey_answers.user_id is NOT NULL and
// cascades with the account), so it is not offered.
func (surveysCategory) Erasure() Erasure {
	return Erasure{Default: models.StrategyDelete, Allowed: []string{models.StrategyDelete}}
}

func (surveysCategory) Erase(job EraseJob) (Outcome, error) {
	return eraseOwnRows("survey_answers")(job)
}

// Expiries: none by age: answers are kept while the account exists.
func (surveysCategory) Expiries() []Expiry { return nil }
