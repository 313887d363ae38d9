package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// servePprof runs Go's profiler on its own listener (PORTAL_PPROF_ADDR),
// never on the portal's: it reveals the program's internals and lets a
// caller make the process work, so it belongs on a loopback address the
// operator reaches alone. `make load` uses it to profile the portal under
// load.
func (s *Server) servePprof(ctx context.Context) {
	if s.cfg.PprofAddr == "" {
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", s.cfg.PprofAddr)
	if err != nil {
		s.logger.Error("profiler: listen", "addr", s.cfg.PprofAddr, "err", err)
		return
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	s.logger.Warn("profiler listening: keep this address private", "addr", ln.Addr().String())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.logger.Error("profiler", "err", err)
	}
}
