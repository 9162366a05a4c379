// Package resource uses an access token the way a client would: at a
// protected resource (RFC 6750 §2.1). Proof that a token is real is that a
// resource server accepts it.
package resource

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-resty/resty/v2"

	"github.com/implicitspec/implicitspec/internal/redact"
)

// Answer is what the resource server said.
type Answer struct {
	Status          int
	WWWAuthenticate string
	ContentType     string
	BodyExcerpt     string // at most 256 bytes; may hold user claims, never the token
}

// Get requests endpoint with "Authorization: Bearer <token>". The error is
// for transport trouble only; any HTTP answer is returned for judging. hc
// should be a recording client (agent.Recorder): the exchange is evidence,
// and the run's redactor learns the secrets of the answer from it.
func Get(ctx context.Context, hc *http.Client, endpoint, token string) (*Answer, error) {
	c := resty.NewWithClient(hc).SetRedirectPolicy(resty.NoRedirectPolicy())
	resp, err := c.R().
		SetContext(ctx).
		SetAuthScheme("Bearer").
		SetAuthToken(token).
		SetHeader("Accept", "application/json").
		Get(endpoint)
	if err != nil {
		return nil, fmt.Errorf("userinfo request to %s: %w", endpoint, scrub(err, token))
	}
	// Masked before it is cut, so that a cut never leaves half a secret:
	// the token in any spelling, and any secret member of the answer.
	body := redact.New(token).String(resp.String())
	if len(body) > 256 {
		body = body[:256] + "…"
	}
	return &Answer{
		Status:          resp.StatusCode(),
		WWWAuthenticate: resp.Header().Get("WWW-Authenticate"),
		ContentType:     resp.Header().Get("Content-Type"),
		BodyExcerpt:     body,
	}, nil
}

// scrub keeps the token out of an error message.
func scrub(err error, token string) error {
	if token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), token, redact.Mask))
}
