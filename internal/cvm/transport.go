package cvm

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// maxResponseBytes bounds the body the client reads. A full page of 100 states is about 7 KB,
// so anything near this is not an answer from the API.
const maxResponseBytes = 8 << 20

// CheckedTransport carries requests through base, reads every answer whole, up to
// maxResponseBytes, and turns a status other than 200 into an HTTPStatusError. The SDK would
// report a gateway's HTML 502 page only as ClientError.ParseJsonError, losing the status that says
// it is worth retrying, and it reads bodies without a bound. Every Tencent Cloud API answers alike,
// so STS requests go through it too.
func CheckedTransport(base http.RoundTripper) http.RoundTripper {
	return checkedTransport{base: base}
}

type checkedTransport struct {
	base http.RoundTripper
}

func (t checkedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &HTTPStatusError{StatusCode: resp.StatusCode, Status: resp.Status, Body: truncate(string(body), 200)}
	}
	if len(body) > maxResponseBytes {
		return nil, fmt.Errorf("the response body is larger than %d MiB, which no answer of the API is", maxResponseBytes>>20)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}
