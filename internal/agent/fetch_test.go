package agent

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestFetchSendsTheBrowsersHeaders(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var lines []string
		for _, k := range []string{"Referer", "Origin", "Content-Type", "User-Agent", "Accept", "Cookie", "X-Drop", "X-Keep"} {
			lines = append(lines, k+"="+r.Header.Get(k))
		}
		fmt.Fprintf(w, "%s %s|%s|%s", r.Method, r.URL.RequestURI(), strings.Join(lines, ";"), b)
	}))
	a := newAgent(t, Config{}, srv)
	u, _ := url.Parse(srv.URL)
	a.Jar().SetCookies(u, []*http.Cookie{{Name: "sid", Value: "from-jar"}})
	cases := []struct {
		name string
		req  FetchRequest
		want string
	}{
		{
			name: "json xhr",
			req: FetchRequest{Method: "post", URL: srv.URL + "/api/login?x=1#frag", Via: ViaBrowserXHR,
				Body: []byte(`{"username":"alice"}`),
				Header: http.Header{
					"Referer":         {srv.URL + "/login"},
					"Origin":          {srv.URL},
					"Content-Type":    {"application/json"},
					"User-Agent":      {"Mozilla/5.0 HeadlessChrome"},
					"Accept":          {"*/*"},
					"Cookie":          {"sid=forged"},
					"Connection":      {"X-Drop"},
					"X-Drop":          {"named by Connection"},
					"X-Keep":          {"kept"},
					"Accept-Encoding": {"br"},
					":authority":      {"pseudo"},
				}},
			want: "POST /api/login?x=1|Referer=" + srv.URL + "/login;Origin=" + srv.URL +
				";Content-Type=application/json;User-Agent=Mozilla/5.0 HeadlessChrome;Accept=*/*;Cookie=sid=from-jar;X-Drop=;X-Keep=kept|" +
				`{"username":"alice"}`,
		},
		{
			name: "navigation without headers",
			req:  FetchRequest{URL: srv.URL + "/page", Via: ViaBrowserNavigation, Document: true},
			want: "GET /page|Referer=;Origin=;Content-Type=;User-Agent=implicitspec/0.1;Accept=;Cookie=sid=from-jar;X-Drop=;X-Keep=|",
		},
		{
			name: "body without a type",
			req:  FetchRequest{Method: "PUT", URL: srv.URL + "/blob", Body: []byte("raw"), Via: ViaBrowserXHR},
			want: "PUT /blob|Referer=;Origin=;Content-Type=;User-Agent=implicitspec/0.1;Accept=;Cookie=sid=from-jar;X-Drop=;X-Keep=|raw",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := a.Fetch(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Departure != nil || res.Status != 200 {
				t.Fatalf("got departure %+v, status %d", res.Departure, res.Status)
			}
			if string(res.Body) != tc.want {
				t.Errorf("server saw\n  %s\nwant\n  %s", res.Body, tc.want)
			}
			hops := a.Hops()
			h := hops[len(hops)-1]
			if !h.Sent || h.Via != tc.req.Via || h.RequestBody != string(tc.req.Body) || strings.Contains(h.URL, "#") {
				t.Errorf("hop %+v", h)
			}
		})
	}
}

func TestFetchNeverFollowsAndStoresCookies(t *testing.T) {
	client := newCounter(t)
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/continue":
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: "session-0123456789abcdef", Path: "/"})
			w.Header().Set("Location", client.URL+"/cb#access_token=tok-abcdef0123456789&state=s1")
			w.WriteHeader(http.StatusFound)
		default:
			fmt.Fprintf(w, "referer=%s", r.Header.Get("Referer"))
		}
	}))
	s := &sink{}
	a := newAgent(t, Config{ClientURIs: []string{client.URL + "/cb"}, Secrets: s}, srv)
	res, err := a.Fetch(context.Background(), FetchRequest{URL: srv.URL + "/continue", Via: ViaBrowserNavigation, Document: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != http.StatusFound || !strings.HasSuffix(res.Header.Get("Location"), "#access_token=tok-abcdef0123456789&state=s1") {
		t.Fatalf("got %d %v: the 302 must come back as it is", res.Status, res.Header)
	}
	if client.n.Load() != 0 {
		t.Error("the client was contacted")
	}
	u, _ := url.Parse(srv.URL)
	if cs := a.Cookies(u); len(cs) != 1 || cs[0].Value != "session-0123456789abcdef" {
		t.Errorf("jar holds %v", cs)
	}
	for _, secret := range []string{"tok-abcdef0123456789", "session-0123456789abcdef"} {
		if !s.has(secret) {
			t.Errorf("secret %s not registered", secret)
		}
	}
	h := a.Hops()[0]
	if h.Location != client.URL+"/cb#access_token=tok-abcdef0123456789&state=s1" || h.Status != 302 {
		t.Errorf("hop %+v", h)
	}
	// A redirect is no page: the Referer of the next navigation is not it.
	p := wantPage(t, navigate(t, a, "GET", srv.URL+"/next", "", "link"))
	if string(p.Body) != "referer=" {
		t.Errorf("after a redirect, the next navigation sent %q", p.Body)
	}
}

// TestFetchDocumentIsTheCurrentPage: a main-frame page fetched for the
// browser is the Referer of the next Navigate; a subresource is not.
func TestFetchDocumentIsTheCurrentPage(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "referer=%s", r.Header.Get("Referer"))
	}))
	cases := []struct {
		name    string
		req     FetchRequest
		referer string
	}{
		{"document", FetchRequest{URL: srv.URL + "/consent?x=1", Via: ViaBrowserNavigation, Document: true}, srv.URL + "/consent?x=1"},
		{"subresource", FetchRequest{URL: srv.URL + "/logo.png", Via: ViaBrowserSubresource}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newAgent(t, Config{}, srv)
			if _, err := a.Fetch(context.Background(), tc.req); err != nil {
				t.Fatal(err)
			}
			p := wantPage(t, navigate(t, a, "GET", srv.URL+"/next", "", "link"))
			if string(p.Body) != "referer="+tc.referer {
				t.Errorf("next navigation sent %q, want referer=%s", p.Body, tc.referer)
			}
		})
	}
}

func TestFetchDepartures(t *testing.T) {
	client := newCounter(t)
	foreign := newCounter(t)
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	cases := []struct {
		name string
		req  FetchRequest
		want Departure
	}{
		{
			name: "redirect to the client",
			req:  FetchRequest{URL: client.URL + "/cb#access_token=tok&state=s", Via: "redirect 302", Document: true},
			want: Departure{RawURL: client.URL + "/cb#access_token=tok&state=s", Method: "GET", Via: "redirect 302", Status: 302, ClientURI: true},
		},
		{
			name: "form post to the client",
			req: FetchRequest{Method: "POST", URL: client.URL + "/cb", Via: ViaForm, Document: true,
				Body: []byte("access_token=tok&state=s"), Header: http.Header{"Content-Type": {formType}}},
			want: Departure{RawURL: client.URL + "/cb", Method: "POST", Body: "access_token=tok&state=s", Via: ViaForm, ClientURI: true},
		},
		{
			name: "foreign image",
			req:  FetchRequest{URL: foreign.URL + "/pixel.gif", Via: ViaBrowserSubresource},
			want: Departure{RawURL: foreign.URL + "/pixel.gif", Method: "GET", Via: ViaBrowserSubresource},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newAgent(t, Config{ClientURIs: []string{client.URL + "/cb"}}, srv)
			res, err := a.Fetch(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			d := res.Departure
			if d == nil || res.Status != 0 {
				t.Fatalf("want a departure, got %+v", res)
			}
			got := *d
			got.URL = nil
			if got != tc.want {
				t.Errorf("departure\n  %+v\nwant\n  %+v", got, tc.want)
			}
			if d.URL.String() != tc.want.RawURL {
				t.Errorf("URL %s, want %s (fragment kept)", d.URL, tc.want.RawURL)
			}
			hops := a.Hops()
			if len(hops) != 1 || hops[0].Sent || hops[0].URL != tc.want.RawURL || hops[0].Via != tc.req.Via {
				t.Errorf("hops %+v", hops)
			}
			if client.n.Load()+foreign.n.Load() != 0 {
				t.Error("a departure was contacted")
			}
		})
	}
}

// TestDepart: the check alone, for what the browser loads by itself.
func TestDepart(t *testing.T) {
	client := newCounter(t)
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	a := newAgent(t, Config{ClientURIs: []string{client.URL + "/cb"}}, srv)
	cases := []struct {
		url       string
		departs   bool
		wantHops  int
		wantError bool
	}{
		{srv.URL + "/page", false, 0, false},
		{client.URL + "/cb#access_token=tok", true, 1, false},
		{"/relative", false, 1, true},
	}
	for _, tc := range cases {
		d, err := a.Depart(FetchRequest{URL: tc.url, Via: ViaBrowserNavigation})
		if (err != nil) != tc.wantError || (d != nil) != tc.departs {
			t.Errorf("Depart(%s) = %+v, %v", tc.url, d, err)
		}
		if err != nil {
			wantKind(t, err, KindInvalidURL)
		}
		if n := len(a.Hops()); n != tc.wantHops {
			t.Errorf("after %s: %d hops, want %d", tc.url, n, tc.wantHops)
		}
	}
	if client.n.Load() != 0 {
		t.Error("the client was contacted")
	}
}
