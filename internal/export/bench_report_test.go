package export_test

import (
	"github.com/photolab/privacyportal/internal/export"
	"github.com/photolab/privacyportal/views"
)

// The benchmark measures the package as customers get it: with the
// pages' index.html, not the tests' plain one.
func init() { export.BenchReporter = views.ExportReport{} }
