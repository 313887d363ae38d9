package jobs

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	cases := []struct {
		attempts int
		base     time.Duration
	}{
		{1, 2 * time.Second},
		{5, 32 * time.Second},
		{11, 2048 * time.Second},
		{12, time.Hour},
		{40, time.Hour},
		{200, time.Hour},
	}
	for _, c := range cases {
		for range 20 {
			d := backoff(c.attempts)
			if d < c.base || d > c.base+c.base/10 {
				t.Errorf("backoff(%d) = %v, want %v..%v", c.attempts, d, c.base, c.base+c.base/10)
			}
		}
	}
}
