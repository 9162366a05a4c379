// Package registration sends dynamic client registration requests (RFC 7591
// §3.1) the way a client would, and reads the answer (§3.2) for judging.
package registration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-resty/resty/v2"
)

// Answer is what the registration endpoint said.
type Answer struct {
	Status int
	Error  string // the error code of a refusal (RFC 7591 §3.2.2), "" otherwise
}

// Accepted reports a successful registration (RFC 7591 §3.2.1: 201 Created).
func (a Answer) Accepted() bool { return a.Status >= 200 && a.Status < 300 }

// NeedsInitialToken reports a protected endpoint (RFC 7591 §3: an initial
// access token may be required).
func (a Answer) NeedsInitialToken() bool {
	return a.Status == http.StatusUnauthorized || a.Status == http.StatusForbidden
}

// Register posts metadata as JSON to endpoint. The error is for transport
// trouble only; any HTTP answer is returned for judging. hc should be a
// recording client (agent.Recorder): the answer of an accepting server
// carries a client_secret or registration_access_token, which the run's
// redactor must learn, and the exchange is evidence.
func Register(ctx context.Context, hc *http.Client, endpoint string, metadata map[string]any) (Answer, error) {
	c := resty.NewWithClient(hc).SetRedirectPolicy(resty.NoRedirectPolicy())
	resp, err := c.R().
		SetContext(ctx).
		SetHeader("Content-Type", "application/json").
		SetHeader("Accept", "application/json").
		SetBody(metadata).
		Post(endpoint)
	if err != nil {
		return Answer{}, fmt.Errorf("registration request to %s: %w", endpoint, err)
	}
	return Answer{Status: resp.StatusCode(), Error: decodeError(resp.Body())}, nil
}

// WebImplicitClient is the metadata of a public web client for the implicit
// grant (RFC 7591 §2; OpenID Connect Registration §2 application_type) with
// the given redirect URIs (none when nil), using response type rt.
func WebImplicitClient(redirectURIs []string, rt string) map[string]any {
	md := map[string]any{
		"application_type":           "web",
		"client_name":                "implicitspec probe",
		"grant_types":                []string{"implicit"},
		"response_types":             []string{rt},
		"token_endpoint_auth_method": "none",
	}
	if redirectURIs != nil {
		md["redirect_uris"] = redirectURIs
	}
	return md
}

func decodeError(body []byte) string {
	var answer struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(body, &answer)
	return answer.Error
}
