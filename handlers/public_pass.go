package handlers

import (
	"net/http"
	"strconv"
	"time"
)

// A requester without an account proves, with a code mailed to them,
// that a request is theirs; the session then holds a pass for that one
// request until it expires. The session row is server-side (the cookie
// holds only its id), so the pass cannot be forged or copied to another
// request.
const (
	publicPassKey = "request_pass"
	publicPassFor = 30 * time.Minute
)

// passes reads the session's passes: request id → expiry (Unix seconds).
// Session values travel as JSON, so numbers come back as float64.
func passes(r *http.Request) map[string]any {
	m, _ := Session(r).Values[publicPassKey].(map[string]any)
	return m
}

func unix(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case float64:
		return int64(n)
	}
	return 0
}

// grantPublicPass lets this session open request id until now + publicPassFor.
func grantPublicPass(r *http.Request, id int64, now time.Time) {
	m := map[string]any{}
	for k, until := range passes(r) {
		if unix(until) >= now.Unix() {
			m[k] = unix(until)
		}
	}
	m[strconv.FormatInt(id, 10)] = now.Add(publicPassFor).Unix()
	Session(r).Values[publicPassKey] = m
}

// hasPublicPass reports whether this session may open request id.
func hasPublicPass(r *http.Request, id int64, now time.Time) bool {
	until, ok := passes(r)[strconv.FormatInt(id, 10)]
	return ok && now.Unix() <= unix(until)
}
