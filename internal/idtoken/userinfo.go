package idtoken

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// maxUserinfoBytes caps the userinfo answer.
const maxUserinfoBytes = 1 << 20

// Userinfo is what the userinfo endpoint answered (OpenID Connect Core
// §5.3.2): its status and, for a 200, the sub it names.
type Userinfo struct {
	Status int
	// Sub is the sub claim of a successful answer; HasSub says whether
	// there was one (a JSON string).
	Sub    string
	HasSub bool
}

// FetchUserinfo asks the userinfo endpoint about the holder of accessToken
// (a bearer token, RFC 6750 §2.1) with hc, and reads the sub of its answer:
// a JSON object, or a signed JWT (§5.3.2 "application/jwt"), whose claims
// are read without verifying it — only sub is compared. An error is a
// *TransportError when no HTTP answer came; otherwise the answer could not
// be read. The token never appears in an error.
func FetchUserinfo(ctx context.Context, hc *http.Client, endpoint, accessToken string) (*Userinfo, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, fmt.Errorf("userinfo_endpoint %q: %v", endpoint, err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		msg := err.Error()
		if accessToken != "" {
			msg = strings.ReplaceAll(msg, accessToken, "…")
		}
		return nil, &TransportError{fmt.Errorf("userinfo_endpoint %s: %s", endpoint, msg)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxUserinfoBytes+1))
	switch {
	case err != nil:
		return nil, &TransportError{fmt.Errorf("userinfo_endpoint %s: %v", endpoint, err)}
	case len(body) > maxUserinfoBytes:
		return nil, fmt.Errorf("userinfo_endpoint %s: the answer is larger than %d bytes", endpoint, maxUserinfoBytes)
	}
	ui := &Userinfo{Status: resp.StatusCode}
	if resp.StatusCode != http.StatusOK {
		return ui, nil
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/jwt" {
		tok, err := Parse(strings.TrimSpace(string(body)))
		if err != nil {
			return nil, fmt.Errorf("userinfo_endpoint %s: the application/jwt answer: %v", endpoint, err)
		}
		ui.Sub, ui.HasSub = tok.Claims.Sub, tok.Claims.Has["sub"]
		return ui, nil
	}
	var claims map[string]json.RawMessage
	if err := json.Unmarshal(body, &claims); err != nil || claims == nil {
		return nil, fmt.Errorf("userinfo_endpoint %s: the answer is not a JSON object", endpoint)
	}
	if raw, ok := claims["sub"]; ok {
		ui.HasSub = json.Unmarshal(raw, &ui.Sub) == nil
	}
	return ui, nil
}
