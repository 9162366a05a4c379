package refserver

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
)

// The js-login style (PagesJSLogin): a login page that is a JavaScript
// application shell, as glewlwyd's, Okta's or Entra ID's are. Its HTML is
// only <div id="root">Loading…</div> and one inline script (from the
// server's own origin, so the page loads nothing from other sites, catalogue
// SEC-03): nothing a reader that runs no script could fill in or submit.
// The script builds the sign-in form with DOM APIs, posts the credentials
// with fetch() as JSON to pathJSONLogin and moves the browser on with
// location.assign to the URL the answer names; wrong credentials leave it on
// the page with the answer's message.
//
// The JSON endpoint is a real alternative login, not a side door: it checks
// what the form login checks (same origin, the login page's anti-forgery
// token, the pending request of this browser, the credentials, Config.Lockout;
// Config.Throttle counts it, see throttles), and a success sets the same session
// cookie (auth_time, prompt=login and max_age alike) and leads to the same
// next page (afterLogin). The login faults that live in the page or in the
// answer's URL (FaultLoginFramable, FaultStateUnescapedOnLogin,
// FaultLoginOpenRedirect) act here too; FaultLogin307 is about the status of
// a form's redirect, which this style has none of.
//
// The script is plain ES2017 without a framework, and reads the inputs'
// values when the form is submitted, so a browser driver that sets them
// through the DOM, or types them, is read alike. It carries no comments:
// html/template would have to keep them apart from the values it escapes
// into the script, and the why is written here.
const styleJSLogin = `
{{define "js-login/login"}}{{template "head" "Sign in"}}<div id="root">Loading…</div>
{{with .Note}}<p>{{.}}</p>
{{end}}<script>
(function () {
  "use strict";
  var cfg = {endpoint: "/api/login", requestId: {{.RequestID}}, csrfToken: {{.CSRF}}, clientId: {{.ClientID}}, next: {{.Next}}};
  var root = document.getElementById("root");

  function make(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    children.forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  var username = make("input", {type: "text", id: "username", name: "username", autocomplete: "username"}, []);
  var password = make("input", {type: "password", id: "password", name: "password", autocomplete: "current-password"}, []);
  var button = make("button", {type: "submit"}, ["Sign in"]);
  var message = make("p", {id: "error", "class": "error", role: "alert"}, []);
  message.hidden = true;
  var form = make("form", {method: "post", id: "signin"}, [
    make("p", {}, [make("label", {"for": "username"}, ["Username"]), username]),
    make("p", {}, [make("label", {"for": "password"}, ["Password"]), password]),
    make("p", {}, [button])
  ]);

  function showError(text) {
    message.textContent = text;
    message.hidden = text === "";
  }

  function finish(status, data) {
    if (status >= 200 && status < 300 && typeof data.redirect === "string") {
      location.assign(data.redirect);
      return;
    }
    button.disabled = false;
    password.value = "";
    password.focus();
    showError(typeof data.message === "string" ? data.message : "Sign-in failed. Try again.");
  }

  function send(retried) {
    var body = {request_id: cfg.requestId, csrf_token: cfg.csrfToken, username: username.value, password: password.value};
    if (cfg.next) {
      body.next = cfg.next;
    }
    button.disabled = true;
    showError("");
    fetch(cfg.endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(body)
    }).then(function (resp) {
      var wait = parseInt(resp.headers.get("Retry-After") || "", 10);
      if (resp.status === 429 && !retried && wait >= 0 && wait <= 5) {
        setTimeout(function () { send(true); }, wait * 1000 + 250);
        return;
      }
      return resp.json().catch(function () { return {}; }).then(function (data) {
        finish(resp.status, data || {});
      });
    }).catch(function () {
      button.disabled = false;
      showError("The server could not be reached. Try again.");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send(false);
  });
  root.textContent = "";
  root.appendChild(make("h1", {}, ["Sign in"]));
  root.appendChild(make("p", {}, ["Sign in to continue to ", make("strong", {}, [cfg.clientId]), "."]));
  root.appendChild(message);
  root.appendChild(form);
  username.focus();
}());
</script>
{{template "foot"}}{{end}}
`

// pathJSONLogin is the js-login style's JSON login endpoint, served only
// under that style.
const pathJSONLogin = "/api/login"

// jsonLogin is the body the js-login page posts to pathJSONLogin.
type jsonLogin struct {
	RequestID string `json:"request_id"`
	CSRF      string `json:"csrf_token"`
	Username  string `json:"username"`
	Password  string `json:"password"`
	Next      string `json:"next"` // under FaultLoginOpenRedirect only
}

// loginAnswer is pathJSONLogin's answer: where to go next on success; an
// error code and a message for a person otherwise.
type loginAnswer struct {
	Redirect string `json:"redirect,omitempty"`
	Error    string `json:"error,omitempty"`
	Message  string `json:"message,omitempty"`
}

// handleJSONLogin signs in from the js-login page. It answers JSON, always:
// the page's script shows the message, a page would be lost on it.
func (s *Server) handleJSONLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, loginAnswer{Error: "method_not_allowed", Message: "Sign in with POST."})
		return
	}
	in, status, fail := readJSONLogin(w, r)
	if fail != nil {
		writeJSON(w, status, fail)
		return
	}
	// RFC 6749 §10.12: the sign-in is CSRF-protected as the form's is.
	_, check := s.loginPending(r, in.RequestID, in.CSRF)
	switch {
	case check == loginForged:
		writeJSON(w, http.StatusForbidden, loginAnswer{Error: "forbidden",
			Message: "This sign-in could not be verified (missing or invalid anti-forgery token). Nothing was authorized."})
		return
	case check == loginUnknownRequest:
		writeJSON(w, http.StatusBadRequest, loginAnswer{Error: "unknown_request",
			Message: "This authorization request is unknown or has expired, or it was started in another browser. Go back to the application and start again."})
		return
	case !s.credentialsValid(in.Username, in.Password):
		writeJSON(w, http.StatusUnauthorized, loginAnswer{Error: "invalid_credentials", Message: "Wrong username or password."})
		return
	}
	if msg, locked := s.accountLocked(); locked { // Config.Lockout
		writeJSON(w, http.StatusForbidden, loginAnswer{Error: "account_locked", Message: msg})
		return
	}
	s.startSession(w, r, in.RequestID)
	next := s.afterLogin(in.RequestID)
	// RFC 9700 §4.11.2: no open redirector; the fault follows "next".
	if in.Next != "" && s.faults.on(FaultLoginOpenRedirect) {
		next = in.Next
	}
	writeJSON(w, http.StatusOK, loginAnswer{Redirect: next})
}

// readJSONLogin reads the body of a JSON sign-in; on failure it returns the
// status and answer to send instead. Only application/json is read: a
// cross-site form cannot send it, and a cross-site fetch() of it needs a
// CORS preflight this server never grants.
func readJSONLogin(w http.ResponseWriter, r *http.Request) (jsonLogin, int, *loginAnswer) {
	var in jsonLogin
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return in, http.StatusUnsupportedMediaType, &loginAnswer{Error: "invalid_request", Message: "The sign-in must be sent as application/json."}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormBytes))
	if err != nil || json.Unmarshal(body, &in) != nil {
		return in, http.StatusBadRequest, &loginAnswer{Error: "invalid_request", Message: "The sign-in could not be read."}
	}
	return in, 0, nil
}

// formLoginGone answers a form POST to /login under the js-login style:
// that server signs in through its JSON endpoint only, as a JavaScript
// application's does, so a reader that posts a form it guessed is not let
// in by a door the page does not show.
func (s *Server) formLoginGone(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Allow", http.MethodGet)
	s.renderError(w, http.StatusMethodNotAllowed, "Method not allowed",
		"This page signs in with JavaScript; it accepts no form submission.")
}
