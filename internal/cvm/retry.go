package cvm

import (
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

const (
	backoffBase = 200 * time.Millisecond
	backoffCap  = 5 * time.Second
)

// retryable reports whether a failed request may succeed when sent again: throttling, the
// server's internal errors, a broken connection, a gateway's 5xx, a malformed answer. Errors
// that describe the request itself (authentication, parameters, permissions) never are.
func retryable(err error) bool {
	var malformed *MalformedResponseError
	var status *HTTPStatusError
	var sdkErr *sdkerrors.TencentCloudSDKError
	switch {
	case errors.As(err, &malformed):
		return true
	case errors.As(err, &status):
		return status.StatusCode >= 500 || status.StatusCode == http.StatusTooManyRequests
	case isNetworkError(err):
		return true
	case errors.As(err, &sdkErr):
		return retryableCode(sdkErr.Code)
	}
	return false
}

func retryableCode(code string) bool {
	switch {
	case code == "RequestLimitExceeded", strings.HasPrefix(code, "RequestLimitExceeded."),
		code == "InternalError", strings.HasPrefix(code, "InternalError."),
		code == "InternalServerError",
		// The SDK's code for a body it could not read: a cut answer.
		code == "ClientError.IOError":
		return true
	}
	return false
}

// isNetworkError reports a connection that broke, timed out or was refused. A refused connection
// is retried like a reset one: a load balancer or gateway that restarts refuses connections for a
// moment, and a retry then succeeds. A wrong endpoint costs the retries' backoff before it fails,
// bounded by max_retries and the deadline, which is the cheaper of the two mistakes.
func isNetworkError(err error) bool {
	var netErr net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.As(err, &netErr) && netErr.Timeout()
}

func throttled(err error) bool {
	var sdkErr *sdkerrors.TencentCloudSDKError
	return errors.As(err, &sdkErr) && strings.HasPrefix(sdkErr.Code, "RequestLimitExceeded")
}

// backoff is the wait before retry number n (from 1): full jitter, a uniform draw from zero to
// an exponentially growing ceiling, so that clients throttled together do not retry together.
func backoff(n int) time.Duration {
	ceiling := backoffCap
	if n < 16 {
		ceiling = min(backoffCap, backoffBase<<(n-1))
	}
	return rand.N(ceiling + 1)
}
