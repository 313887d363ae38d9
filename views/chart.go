package views

import (
	"math"
	"strconv"
)

// BarChart is a server-rendered SVG bar chart with its table alternative:
// one bar per label, scales computed here, so the template only draws.
// Title names the chart (read first by screen readers, and the table's
// caption); Desc sums it up in a sentence (the trend, the highest bar),
// since a picture of bars says nothing to someone who cannot see it.
// LabelHeader and ValueHeader head the table's two columns. Values may
// be zero; negative values are drawn as zero.
type BarChart struct {
	ID                       string // unique on the page
	Title, Desc              string
	LabelHeader, ValueHeader string
	Labels                   []string
	Values                   []int64
	// Format writes a value for people ("1,234"); nil: plain digits.
	Format func(int64) string
}

// The chart's drawing area, in SVG user units; the SVG scales to its box.
const (
	chartWidth  = 640.0
	chartHeight = 240.0
	chartLeft   = 44.0 // room for the value axis' labels
	chartRight  = 8.0
	chartTop    = 12.0
	chartBottom = 36.0 // room for the bars' labels
)

// chartBar is one bar, placed.
type chartBar struct {
	X, Y, W, H     float64
	LabelX, LabelY float64
	ValueY         float64
	Label, Value   string
}

// chartTick is one line of the value axis.
type chartTick struct {
	Y     float64
	Label string
}

// chartLayout is the chart placed in its box.
type chartLayout struct {
	Bars  []chartBar
	Ticks []chartTick
	// BaseY is the zero line.
	BaseY, Left, Right float64
}

func (c BarChart) format(v int64) string {
	if c.Format != nil {
		return c.Format(v)
	}
	return strconv.FormatInt(v, 10)
}

func (c BarChart) titleID() string { return c.ID + "-title" }
func (c BarChart) descID() string  { return c.ID + "-desc" }
func (c BarChart) viewBox() string {
	return "0 0 " + num(chartWidth) + " " + num(chartHeight)
}

// value is the i-th value, or 0.
func (c BarChart) value(i int) int64 {
	if i < len(c.Values) && c.Values[i] > 0 {
		return c.Values[i]
	}
	return 0
}

// niceMax is the top of the value axis: the smallest "round" number
// (1, 2, 2.5, 3 or 5 times a power of ten) at or above max that divides into
// ticks of whole numbers; at least 4, so a quiet week still has a scale.
func niceMax(hi int64) (top int64, step int64) {
	if hi < 4 {
		return 4, 1
	}
	raw := float64(hi) / 4
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 3, 5, 10} {
		s := m * pow
		if s >= raw && s == math.Trunc(s) {
			step = int64(s)
			break
		}
	}
	if step == 0 {
		step = int64(math.Ceil(raw))
	}
	return step * 4, step
}

// layout places the bars and ticks.
func (c BarChart) layout() chartLayout {
	l := chartLayout{BaseY: chartHeight - chartBottom, Left: chartLeft, Right: chartWidth - chartRight}
	var hi int64
	for i := range c.Labels {
		hi = max(hi, c.value(i))
	}
	top, step := niceMax(hi)
	plotH := l.BaseY - chartTop
	for v := int64(0); v <= top; v += step {
		l.Ticks = append(l.Ticks, chartTick{Y: l.BaseY - plotH*float64(v)/float64(top), Label: c.format(v)})
	}
	n := len(c.Labels)
	if n == 0 {
		return l
	}
	slot := (l.Right - l.Left) / float64(n)
	w := slot * 0.7
	for i, label := range c.Labels {
		v := c.value(i)
		h := plotH * float64(v) / float64(top)
		x := l.Left + slot*float64(i) + (slot-w)/2
		l.Bars = append(l.Bars, chartBar{X: x, Y: l.BaseY - h, W: w, H: h, LabelX: x + w/2, LabelY: l.BaseY + 16,
			ValueY: l.BaseY - h - 4, Label: label, Value: c.format(v)})
	}
	return l
}

// num writes an SVG coordinate with at most one decimal.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }
