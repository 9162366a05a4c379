package interact

import (
	"fmt"
	"strings"
	"testing"
)

// The embedded vocabulary parses, covers every language the reader promises, and a malformed
// file is refused with its line named.
func TestLexicon(t *testing.T) {
	l, err := parseLexicon(wordsTSV)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range strings.Fields("en fr de es it pt nl pl sv da nb fi cs ja zh ko") {
		for _, role := range []string{roleApprove, roleDeny, roleLogin, roleStaySignedIn} {
			found := false
			for _, p := range l.byRole[role] {
				found = found || p.lang == lang
			}
			if !found {
				t.Errorf("language %s has no %s phrase", lang, role)
			}
		}
	}
	bad := map[string]string{
		"three columns":    "de\tapprove\tzulassen\n",
		"unknown role":     "de\tallow\tzulassen\tsrc\n",
		"upper case":       "de\tapprove\tZulassen\tsrc\n",
		"star inside":      "en\tapprove\tau*th\tsrc\n",
		"lone star":        "en\tapprove\t*\tsrc\n",
		"bad language":     "German\tapprove\tzulassen\tsrc\n",
		"doubled space":    "en\tdeny\tdo  not\tsrc\n",
		"padded column":    "en\tdeny\t no\tsrc\n",
		"duplicate phrase": "en\tdeny\tno\ta\nen\tdeny\tno\tb\n",
	}
	for name, s := range bad {
		if _, err := parseLexicon(wordsTSV + s); err == nil || !strings.Contains(err.Error(), "line ") {
			t.Errorf("%s: accepted or no line named: %v", name, err)
		}
	}
}

// Negations turn any phrase into a refusal, in every script; accents and Unicode forms do not
// matter.
func TestReadAsLanguages(t *testing.T) {
	cases := map[string]verdict{
		"Nicht zulassen": denying, "Ne pas autoriser": denying, "Do not allow": denying, "Don’t allow": denying,
		"No permitir": denying, "Non consentire": denying, "Não permitir": denying, "Niet toestaan": denying,
		"Nie zezwalaj": denying, "Tillåt inte": denying, "Tillad ikke": denying, "Ikke tillat": denying,
		"Älä salli": denying, "Nepovolit": denying, "許可しない": denying, "不允许": denying, "허용 안 함": denying,
		"동의하지 않음": denying, "いいえ": denying, "Zurück": neutral, "Weiter": approving,
		"Zugriff erlauben": approving, "Autoriser": approving, "J'accepte": approving, "許可する": approving,
		"允许": approving, "허용": approving, "Sì": approving, "Zezwól": approving,
		"Hyv\u0061\u0308ksy": approving, // decomposed ä
		"Angemeldet bleiben": neutral, "Notify me": neutral, "Anmelden": neutral,
	}
	for s, want := range cases {
		if got := readAs(s); got != want {
			t.Errorf("readAs(%q) = %v, want %v", s, got, want)
		}
	}
}

// languagePage is the wording of a login page and a consent page in one language.
type languagePage struct {
	lang                     string
	signIn, register         string // the login form's buttons
	request                  string // the consent page's heading
	approve, deny, dontAllow string // the consent buttons; dontAllow is a negated approval
}

var languagePages = []languagePage{
	{"en", "Sign in", "Create account", "Example App wants to access your account", "Allow", "Deny", "Don't allow"},
	{"fr", "Se connecter", "Créer un compte", "Example App souhaite accéder à votre compte", "Autoriser", "Refuser", "Ne pas autoriser"},
	{"de", "Anmelden", "Registrieren", "Example App möchte auf Ihr Konto zugreifen", "Zugriff erlauben", "Ablehnen", "Nicht zulassen"},
	{"es", "Iniciar sesión", "Crear cuenta", "Example App quiere acceder a tu cuenta", "Permitir", "Denegar", "No permitir"},
	{"it", "Accedi", "Registrati", "Example App vuole accedere al tuo account", "Consenti", "Rifiuta", "Non consentire"},
	{"pt", "Entrar", "Criar conta", "Example App quer acessar sua conta", "Permitir", "Negar", "Não permitir"},
	{"nl", "Inloggen", "Registreren", "Example App wil toegang tot je account", "Toestaan", "Weigeren", "Niet toestaan"},
	{"pl", "Zaloguj się", "Utwórz konto", "Example App prosi o dostęp do Twojego konta", "Zezwól", "Odrzuć", "Nie zezwalaj"},
	{"sv", "Logga in", "Skapa konto", "Example App begär åtkomst till ditt konto", "Tillåt", "Neka", "Tillåt inte"},
	{"da", "Log ind", "Opret konto", "Example App anmoder om adgang til din konto", "Tillad", "Afvis", "Tillad ikke"},
	{"nb", "Logg inn", "Opprett konto", "Example App ber om tilgang til kontoen din", "Tillat", "Avvis", "Ikke tillat"},
	{"fi", "Kirjaudu sisään", "Luo tili", "Example App pyytää pääsyn tiliisi", "Salli", "Hylkää", "Älä salli"},
	{"cs", "Přihlásit se", "Vytvořit účet", "Example App žádá o přístup k vašemu účtu", "Povolit", "Zamítnout", "Nepovolit"},
	{"ja", "ログイン", "アカウントを新規作成", "Example App があなたのアカウントへのアクセスを求めています", "許可する", "拒否する", "許可しない"},
	{"zh", "登录", "注册新账户", "Example App 请求访问您的账户", "允许", "拒绝", "不允许"},
	{"ko", "로그인", "회원가입", "Example App에서 계정에 대한 접근 권한을 요청합니다", "허용", "거부", "허용 안 함"},
}

// languageLogin has three buttons: the sign-in, a registration, and an icon button no word
// names, so only a recognised sign-in word lets the reader press the right one.
const languageLogin = `<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8"><title>%s</title></head><body>
<form method="post" action="/login"><input name="username"><input type="password" name="password">
<button type="submit" name="op" value="s1">⚙</button>
<button type="submit" name="op" value="s2">%s</button>
<button type="submit" name="op" value="s3">%s</button></form></body></html>`

// languageConsent's button values are the same in every language: the choice is by the text.
const languageConsent = `<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8"><title>Example App</title></head><body>
<h1>%s</h1><form method="post" action="/consent">
<button type="submit" name="decision" value="first">%s</button>
<button type="submit" name="decision" value="second">%s</button></form></body></html>`

// Each language's login and consent pages, answered both ways: the sign-in button is found
// beside a registration, and the consent buttons are told by their words alone, whether the
// refusal is a word of its own or a negated approval.
func TestLanguages(t *testing.T) {
	for _, lp := range languagePages {
		for _, refusal := range []string{lp.deny, lp.dontAllow} {
			for _, dec := range []Decision{Approve, Deny} {
				t.Run(fmt.Sprintf("%s/%s/%s", lp.lang, refusal, dec), func(t *testing.T) {
					c := newClientSite(t)
					f := newPages(t, c, map[string]fakePage{
						"/authorize": {body: fmt.Sprintf(languageLogin, lp.lang, lp.signIn, lp.register, lp.signIn)},
						"/login":     {body: fmt.Sprintf(languageConsent, lp.lang, lp.request, refusal, lp.approve)},
						"/consent":   {status: 303, location: "CLIENT#access_token=x"},
					})
					out := mustRun(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize",
						Options{Username: "alice", Password: "pw", Decision: dec})
					wantDeparture(t, out, Redirected)
					if got := f.last("/login"); got != "username=alice&password=pw&op=s3" {
						t.Errorf("login body %s", got)
					}
					want := map[Decision]string{Approve: "decision=second", Deny: "decision=first"}[dec]
					if got := f.last("/consent"); got != want {
						t.Errorf("consent body %s, want %s (steps %q)", got, want, out.Steps)
					}
					if out.Denied != (dec == Deny) || !out.ConsentShown || !out.LoginShown {
						t.Errorf("denied %v consent %v login %v", out.Denied, out.ConsentShown, out.LoginShown)
					}
				})
			}
		}
	}
}
