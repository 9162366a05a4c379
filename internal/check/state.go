package check

import (
	"strings"

	"github.com/implicitspec/implicitspec/internal/fragment"
)

// StateEchoed judges STATE-01, STATE-03 and STATE-05, and STATE-08 through
// StateEchoedOrRefused: the state comes back exactly, after one form-decoding.
func StateEchoed(id string, e *Ending, sent string) error {
	if err := leftForClient(id, e); err != nil {
		return err
	}
	got, ok := e.Response().Get("state")
	if !ok {
		return Fail(id, "state not echoed: sent %q, got no state parameter", sent)
	}
	if got != sent {
		return Fail(id, "state not echoed: sent %q, got %q", sent, got)
	}
	if n := e.Response().Count("state"); n > 1 {
		return Fail(id, "state returned %d times", n)
	}
	return nil
}

// StateEchoedOrRefused judges STATE-08: the state is echoed exactly, or the
// request is refused; a mangled echo is never acceptable.
func StateEchoedOrRefused(id string, e *Ending, sent string) error {
	if !e.Left {
		return nil // refused on an error page
	}
	if code, ok := e.Response().Get("error"); ok && code == "invalid_request" {
		if got, has := e.Response().Get("state"); has && got != sent {
			return Fail(id, "state refused but returned altered: sent %q, got %q", sent, got)
		}
		return nil
	}
	return StateEchoed(id, e, sent)
}

// NoStateInvented judges STATE-06: a request without state gets no state back.
func NoStateInvented(id string, e *Ending) error {
	if !e.Left {
		return nil
	}
	for _, where := range []fragment.Params{e.Fragment, e.Query, e.Form} {
		if v, ok := where.Get("state"); ok && v != "" {
			return Fail(id, "no state was sent, but the response carries state=%q", v)
		}
	}
	return nil
}

// ErrorCarriesState judges STATE-02: an error response carries the state
// exactly. Where the error sits (fragment or query) is judged by FRAG-05, not
// here.
func ErrorCarriesState(id string, e *Ending, sent string) error {
	if !e.Left {
		return Fail(id, "expected an error response sent to the client, but the flow %s", e.Describe())
	}
	for _, ps := range []fragment.Params{e.Response(), e.Query} {
		if _, ok := ps.Get("error"); ok {
			got, has := ps.Get("state")
			if !has {
				return Fail(id, "state not echoed on the error response: sent %q, got no state parameter", sent)
			}
			if got != sent {
				return Fail(id, "state not echoed on the error response: sent %q, got %q", sent, got)
			}
			return nil
		}
	}
	return Fail(id, "expected an error response, got %s (parameters: %s)", e.Describe(), names(e.Response()))
}

// StateNotInjected judges STATE-04: a state holding "&access_token=…" is
// encoded, so the response holds exactly one access_token and the state's raw
// text in the redirect URI has no unencoded '&', '#', space or '"' (RFC 6749
// App. B).
func StateNotInjected(id string, e *Ending, sent string) error {
	ps, err := tokenResponse(id, e)
	if err != nil {
		return err
	}
	want := 1 // the one the response type asked for
	if e.credential() != "access_token" {
		want = 0 // response_type=id_token issues none
	}
	if n := ps.Count("access_token"); n != want {
		return Fail(id, "the response holds %d access_token parameters: the state %q was not encoded and injected one", n, sent)
	}
	for _, p := range ps {
		if p.Name == "state" {
			if i := strings.IndexAny(p.Raw, "#\" "); i >= 0 {
				return Fail(id, "the state is written with an unencoded %q in the redirect URI (raw %q)", p.Raw[i], p.Raw)
			}
		}
	}
	if strings.Count(e.Target, "#") > 1 {
		return Fail(id, "the redirect URI holds a second unencoded '#': the state %q was not encoded", sent)
	}
	if got, ok := ps.Get("state"); !ok || got != sent {
		return Fail(id, "the state was split by its unencoded '&': sent %q, got %q", sent, got)
	}
	return nil
}

// StateEchoedOrRefusedCleanly judges STATE-05: a long state is echoed exactly,
// or the request is refused cleanly — invalid_request, an error page, HTTP 414.
// A truncated echo or a server error is a failure.
func StateEchoedOrRefusedCleanly(id string, e *Ending, sent string) error {
	if !e.Left {
		if e.Status >= 500 {
			return Fail(id, "a %d-character state made the server fail: %s", len(sent), e.Describe())
		}
		return nil // refused on an error page, or 414 URI Too Long
	}
	if ps, ok := e.ErrorParams(); ok {
		code, _ := ps.Get("error")
		if code != "invalid_request" {
			return Fail(id, "a %d-character state was answered with error=%s, expected an exact echo or invalid_request", len(sent), code)
		}
		if got, has := ps.Get("state"); has && got != sent {
			return Fail(id, "a %d-character state was refused but returned altered (%d characters)", len(sent), len(got))
		}
		return nil
	}
	ps, err := tokenResponse(id, e)
	if err != nil {
		return err
	}
	got, ok := ps.Get("state")
	switch {
	case !ok:
		return Fail(id, "a %d-character state was not echoed", len(sent))
	case got != sent && strings.HasPrefix(sent, got):
		return Fail(id, "a %d-character state was truncated to %d characters", len(sent), len(got))
	case got != sent:
		return Fail(id, "a %d-character state was echoed altered (%d characters back)", len(sent), len(got))
	}
	return nil
}

// NoStateParameter judges STATE-06: a request without a state value gets no
// state parameter back at all, not even an empty one.
func NoStateParameter(id string, e *Ending) error {
	if !e.Left {
		return nil
	}
	for _, where := range []fragment.Params{e.Fragment, e.Query, e.Form} {
		if v, ok := where.Get("state"); ok {
			return Fail(id, "no state value was sent, but the response carries state=%q", v)
		}
	}
	return nil
}
