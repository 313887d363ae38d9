package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/models"
)

const day = 24 * time.Hour

// contactMessages makes p.threads conversations of a question and its
// answer, all inside the 90 days contact history is kept (retention.contact):
// the demo shows what its own rules keep, never what the purge would
// already have cleared.
func contactMessages(userID int64, p plan, r *rand.Rand, now time.Time) []models.ContactMessage {
	var msgs []models.ContactMessage
	for i := range p.threads {
		t := p.contact[i%len(p.contact)]
		asked := now.Add(-time.Duration(1+r.IntN(85)) * day)
		asked = asked.Add(time.Duration(r.IntN(8*3600)) * time.Second).Truncate(time.Second)
		replied := asked.Add(time.Duration(20+r.IntN(600)) * time.Minute)
		if replied.After(now) {
			replied = now
		}
		msgs = append(msgs,
			models.ContactMessage{UserID: userID, CreatedAt: asked, Channel: t.channel, Direction: "in", Subject: t.subject, Body: t.question},
			models.ContactMessage{UserID: userID, CreatedAt: replied, Channel: t.channel, Direction: "out", Subject: t.subject, Body: t.reply})
	}
	return msgs
}

// surveyAnswers dates each of the customer's answers a couple of months apart.
func surveyAnswers(userID int64, p plan, now time.Time) []models.SurveyAnswer {
	out := make([]models.SurveyAnswer, len(p.answers))
	for i, a := range p.answers {
		out[i] = models.SurveyAnswer{UserID: userID, AnsweredAt: now.Add(-time.Duration(20+i*55) * day),
			Kind: a.kind, Title: a.title, Question: a.question, Answer: a.answer}
	}
	return out
}

// loginEvents makes p.logins lines of sign-in history over the last year
// (inside the 12 months it is kept, retention.logins):
// mostly successful sign-ins, a few failures and sign-outs, and one
// password change.
func loginEvents(userID int64, p plan, r *rand.Rand, now time.Time) []models.LoginEvent {
	out := make([]models.LoginEvent, p.logins)
	for i := range out {
		at := now.Add(-time.Duration(r.Int64N(int64(360 * day)))).Truncate(time.Second)
		e := models.LoginEvent{UserID: userID, CreatedAt: at, Event: auth.EventSignIn, Method: auth.MethodPassword,
			IP:        fmt.Sprintf("%s%d", p.ipPrefix, 10+r.IntN(40)),
			UserAgent: p.userAgents[r.IntN(len(p.userAgents))]}
		switch n := r.IntN(10); {
		case i == 0:
			e.Event, e.Method = auth.EventPasswordChanged, ""
		case n == 0:
			e.Event = auth.EventSignInFailed
		case n == 1:
			e.Event, e.Method = auth.EventSignOut, ""
		case n == 2:
			e.Method = auth.MethodEmailCode
		}
		out[i] = e
	}
	slices.SortFunc(out, func(a, b models.LoginEvent) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}
