package handlers

import (
	"net/http"
	"strconv"

	"github.com/photolab/privacyportal/views"
)

// pageParam reads ?page=N (1-based); junk or out-of-range values mean 1.
func pageParam(r *http.Request, perPage int) (views.Pagination, int) {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 || n > 1_000_000 {
		n = 1
	}
	return views.Pagination{Page: n, PerPage: perPage, BaseURL: r.URL.Path}, (n - 1) * perPage
}
