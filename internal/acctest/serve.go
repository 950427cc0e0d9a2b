package acctest

import (
	"context"
	"net"
	"net/http"
	"time"
)

// Serve serves h (the emulator) on a free port of this machine, for a Terraform CLI to reach, and
// returns its address (host:port) and a function that stops it.
func Serve(h http.Handler) (string, func(), error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	server := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = server.Serve(listener) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(ctx)
	}
	return listener.Addr().String(), stop, nil
}
