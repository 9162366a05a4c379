package interact

import "testing"

// The sign-in form is found by structure, whatever language the page is in:
// a registration beside it (two password fields, or an action or button
// naming registration, a reset or a search) is never submitted as the login.
func TestLoginFormByStructure(t *testing.T) {
	const (
		register = `<form action="/account/new"><input name="u"><input type="password" name="p1"><input type="password" name="p2"><button>Konto anlegen</button></form>`
		signUp   = `<form action="/x"><input name="u"><input type="password" name="p"><button>Sign up</button></form>`
		signupTo = `<form action="/signup"><input name="u"><input type="password" name="p"><button>Weiter</button></form>`
		search   = `<form action="/search"><input name="q"><input type="password" name="pin"><button>Go</button></form>`
		login    = `<form id="login" action="/session"><input name="u"><input type="password" name="p"><button>Anmelden</button></form>`
	)
	tests := []struct {
		name string
		page string
		hint string
		want string // the chosen form's action; "" = none
	}{
		{"registration with password confirmation first", register + login, "", "/session"},
		{"sign up button first", signUp + login, "", "/session"},
		{"signup action first", signupTo + login, "", "/session"},
		{"search form first", search + login, "", "/session"},
		{"login first", login + register, "", "/session"},
		{"only a registration-like form: taken, as before", register, "", "/account/new"},
		{"the hint wins", register + login, "p1", "/account/new"},
		{"no password field", `<form action="/q"><input name="q"></form>`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseDocument([]byte("<html><body>" + tt.page + "</body></html>")).loginForm(tt.hint)
			got := ""
			if f != nil {
				got = f.action
			}
			if got != tt.want {
				t.Errorf("login form %q, want %q", got, tt.want)
			}
		})
	}
}
