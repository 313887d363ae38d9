package views

import (
	"strings"
	"testing"
)

func TestNiceMax(t *testing.T) {
	t.Parallel()
	cases := []struct{ hi, top, step int64 }{
		{0, 4, 1}, {3, 4, 1}, {4, 4, 1}, {5, 8, 2}, {9, 12, 3}, {10, 12, 3}, {17, 20, 5}, {41, 80, 20}, {99, 100, 25}, {1234, 2000, 500},
	}
	for _, c := range cases {
		top, step := niceMax(c.hi)
		if top < c.hi || top != step*4 {
			t.Errorf("niceMax(%d) = %d step %d: not a scale of four ticks above the highest bar", c.hi, top, step)
		}
		if top != c.top || step != c.step {
			t.Errorf("niceMax(%d) = %d, %d; want %d, %d", c.hi, top, step, c.top, c.step)
		}
	}
}

func TestBarChartLayout(t *testing.T) {
	t.Parallel()
	c := BarChart{ID: "c", Labels: []string{"a", "b", "c", "d"}, Values: []int64{0, 10, 20, -5}}
	l := c.layout()
	if len(l.Bars) != 4 || len(l.Ticks) != 5 {
		t.Fatalf("%d bars, %d ticks", len(l.Bars), len(l.Ticks))
	}
	plot := l.BaseY - chartTop
	if l.Bars[0].H != 0 || l.Bars[3].H != 0 {
		t.Errorf("zero and negative bars have heights %v, %v", l.Bars[0].H, l.Bars[3].H)
	}
	if got, want := l.Bars[2].H, plot*20/20; got != want {
		t.Errorf("the highest bar is %v high, want the plot's %v", got, want)
	}
	if l.Bars[1].H*2 != l.Bars[2].H {
		t.Errorf("bars are not to scale: %v vs %v", l.Bars[1].H, l.Bars[2].H)
	}
	for i, b := range l.Bars {
		if b.X < l.Left || b.X+b.W > l.Right || b.Y+b.H != l.BaseY {
			t.Errorf("bar %d outside the plot: %+v", i, b)
		}
		if i > 0 && b.X <= l.Bars[i-1].X+l.Bars[i-1].W {
			t.Errorf("bar %d overlaps the one before", i)
		}
	}
	if l.Ticks[0].Y != l.BaseY || l.Ticks[4].Y != chartTop || l.Ticks[4].Label != "20" {
		t.Errorf("ticks: %+v", l.Ticks)
	}
	if empty := (BarChart{}).layout(); len(empty.Bars) != 0 || len(empty.Ticks) == 0 {
		t.Errorf("an empty chart: %+v", empty)
	}
	if strings.Contains(num(1.25), "e") || num(1.26) != "1.3" {
		t.Errorf("num = %q", num(1.26))
	}
}
