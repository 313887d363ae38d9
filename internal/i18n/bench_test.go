package i18n

import (
	"context"
	"testing"
	"time"
)

// BenchmarkT measures one translation as a page asks for it: a text with
// no arguments (most labels) and one with a template field.
func BenchmarkT(b *testing.B) {
	ctx := WithLocale(context.Background(), "fr")
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			T(ctx, "layout.signout")
		}
	})
	b.Run("args", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			T(ctx, "layout.signed_in_as", "Name", "Ada")
		}
	})
}

// BenchmarkLocale is the per-request part: choosing the language from a
// header and recording it in the context.
func BenchmarkLocale(b *testing.B) {
	b.Run("Match", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Match("fr-FR,fr;q=0.9,en;q=0.8")
		}
	})
	b.Run("WithLocale", func(b *testing.B) {
		b.ReportAllocs()
		ctx := context.Background()
		for b.Loop() {
			Locale(WithLocale(ctx, "fr"))
		}
	})
}

func BenchmarkFormatDateTime(b *testing.B) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		b.Fatal(err)
	}
	t := time.Date(2026, 3, 4, 16, 5, 0, 0, time.UTC)
	for _, locale := range []string{"en", "fr", "zh-CN"} {
		b.Run(locale, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				FormatDateTime(locale, t, paris)
			}
		})
	}
}
