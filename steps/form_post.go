package steps

import (
	"context"
	"slices"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/check"
)

// registerFormPostSteps binds the steps of 12_form_post.
func registerFormPostSteps(sc *registrar) {
	sc.Given(`^the request asks for the response mode "([^"]*)"$`, asksResponseMode)

	sc.Then(`^the response arrives as a form POST to the redirect URI, every parameter a hidden input$`, formPostPage)
	sc.Then(`^the page that posts the response forbids caching$`, formPostNoStore)
	sc.Then(`^the error is posted to the redirect URI with the state$`, errorPosted)
}

func asksResponseMode(ctx context.Context, mode string) (context.Context, error) {
	w := worldFrom(ctx)
	if mode == "form_post" {
		if modes, ok := w.meta().ResponseModes(); ok && !slices.Contains(modes, "form_post") {
			return ctx, w.skipBecause("the target's metadata lists response_modes_supported %q without form_post", modes)
		}
	}
	w.req.Set("response_mode", mode)
	return ctx, nil
}

// formPostJudgeable skips when the target shows no sign of supporting
// form_post: it answered without a POST and its metadata does not list it.
func formPostJudgeable(w *world) error {
	modes, _ := w.meta().ResponseModes()
	if w.ending.Method != "POST" && !slices.Contains(modes, "form_post") {
		return w.skipBecause("the target answered response_mode=form_post without a form POST, and its metadata does not list form_post (an optional extension)")
	}
	return nil
}

func formPostPage(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		if err := formPostJudgeable(w); err != nil {
			return err
		}
		p := w.outcome.Page
		if p == nil {
			return check.Fail(w.id(), "no page was seen before the response left: %s", w.ending.Describe())
		}
		return check.FormPostPage(w.id(), w.ending, w.redirectURI, p.Status, p.Header.Get("Content-Type"), p.Body)
	})
}

func formPostNoStore(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		if err := formPostJudgeable(w); err != nil {
			return err
		}
		// The page holding the form, whatever its method (FP-01 judges that).
		if !formDeparture(w) || w.outcome.Page == nil {
			return check.Fail(w.id(), "expected a page that posts the response, got %s", w.ending.Describe())
		}
		return check.NoStore(w.id(), w.outcome.Page.Header.Values("Cache-Control"))
	})
}

func errorPosted(ctx context.Context) (context.Context, error) {
	return withState(ctx, judged, func(w *world, sent string) error {
		if err := formPostJudgeable(w); err != nil {
			return err
		}
		return check.ErrorPosted(w.id(), w.ending, sent)
	})
}

// formDeparture: the flow left the server by submitting a form (the page
// holding it is the one whose caching FP-* judge). It compares the agent's
// Via value, not the words of the ending's description.
func formDeparture(w *world) bool {
	return w.outcome != nil && w.outcome.Departure != nil && w.outcome.Departure.Via == agent.ViaForm
}
