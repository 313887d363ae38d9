package views

import (
	"context"

	"github.com/photolab/privacyportal/internal/i18n"
)

type errorTexts struct{ Title, Body, Next string }

// errorTextsFor spells out each id literally so the catalog test sees them.
func errorTextsFor(ctx context.Context, status int) errorTexts {
	switch status {
	case 400:
		return errorTexts{i18n.T(ctx, "error.title.400"), i18n.T(ctx, "errorpage.400.body"), i18n.T(ctx, "errorpage.400.next")}
	case 403:
		return errorTexts{i18n.T(ctx, "error.title.403"), i18n.T(ctx, "errorpage.403.body"), i18n.T(ctx, "errorpage.403.next")}
	case 404:
		return errorTexts{i18n.T(ctx, "error.title.404"), i18n.T(ctx, "errorpage.404.body"), i18n.T(ctx, "errorpage.404.next")}
	case 405:
		return errorTexts{i18n.T(ctx, "error.title.405"), i18n.T(ctx, "errorpage.405.body"), i18n.T(ctx, "errorpage.405.next")}
	case 409:
		return errorTexts{i18n.T(ctx, "error.title.409"), i18n.T(ctx, "errorpage.409.body"), i18n.T(ctx, "errorpage.409.next")}
	case 410:
		return errorTexts{i18n.T(ctx, "error.title.410"), i18n.T(ctx, "errorpage.410.body"), i18n.T(ctx, "errorpage.410.next")}
	case 422:
		return errorTexts{i18n.T(ctx, "error.title.422"), i18n.T(ctx, "errorpage.422.body"), i18n.T(ctx, "errorpage.422.next")}
	case 413:
		return errorTexts{i18n.T(ctx, "error.title.413"), i18n.T(ctx, "errorpage.413.body"), i18n.T(ctx, "errorpage.413.next")}
	case 429:
		return errorTexts{i18n.T(ctx, "error.title.429"), i18n.T(ctx, "errorpage.429.body"), i18n.T(ctx, "errorpage.429.next")}
	case 500:
		return errorTexts{i18n.T(ctx, "error.title.500"), i18n.T(ctx, "errorpage.500.body"), i18n.T(ctx, "errorpage.500.next")}
	}
	return errorTexts{i18n.T(ctx, "error.title.generic"), i18n.T(ctx, "errorpage.generic.body"), i18n.T(ctx, "errorpage.generic.next")}
}

// ErrorTitle is the translated short title for status, for Page.Title.
func ErrorTitle(ctx context.Context, status int) string {
	return errorTextsFor(ctx, status).Title
}
