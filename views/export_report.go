package views

import (
	"context"
	"io"

	"github.com/photolab/privacyportal/internal/export"
)

// ExportReport renders a package's index.html (export.Reporter).
// TODO(helper A): the real report.
type ExportReport struct{}

var _ export.Reporter = ExportReport{}

func (ExportReport) Begin(ctx context.Context, w io.Writer, info *export.ReportInfo) error {
	_, err := io.WriteString(w, "<!doctype html><html><body>")
	return err
}
func (ExportReport) Category(ctx context.Context, w io.Writer, c *export.ReportCategory) error {
	return nil
}
func (ExportReport) SetStart(ctx context.Context, w io.Writer, c *export.ReportCategory, s *export.ReportSet) error {
	return nil
}
func (ExportReport) Rows(ctx context.Context, w io.Writer, c *export.ReportCategory, s *export.ReportSet, rows [][]any) error {
	return nil
}
func (ExportReport) SetEnd(ctx context.Context, w io.Writer, c *export.ReportCategory, s *export.ReportSet) error {
	return nil
}
func (ExportReport) CategoryEnd(ctx context.Context, w io.Writer, c *export.ReportCategory) error {
	return nil
}
func (ExportReport) End(ctx context.Context, w io.Writer, info *export.ReportInfo) error {
	_, err := io.WriteString(w, "</body></html>")
	return err
}
