package views

import (
	"testing"
	"time"
)

// The data pages show dozens of amounts, sizes and dates each; these
// measure one of each.
func BenchmarkFormatMoney(b *testing.B) {
	for _, locale := range []string{"en", "fr"} {
		b.Run(locale, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				FormatMoney(locale, 123456, "EUR")
			}
		})
	}
}

func BenchmarkFormatBytes(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		FormatBytes("fr", 1_234_567)
	}
}

func BenchmarkFormatNumber(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		FormatNumber("fr", 1_234_567)
	}
}

func BenchmarkFormatDate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		FormatDate("fr", "1990-04-01")
	}
}

func BenchmarkFormatDateTime(b *testing.B) {
	t := time.Date(2026, 3, 4, 16, 5, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		FormatDateTime("fr", t)
	}
}
