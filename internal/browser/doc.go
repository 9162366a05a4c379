// Package browser is the optional real-browser driver: one headless
// chromium per run, driven over the DevTools protocol (chromedp), for the
// authorization servers whose pages need JavaScript. It implements
// interact.Renderer; interact.Run hands it the flow with Options.Driver.
//
// The design keeps every judgement where it is for the HTML driver:
//
//   - Requests. Every request of the tab is paused (Fetch domain, pattern
//     "*", request stage) and made by the scenario's *agent.Agent with
//     agent.Fetch, one at a time, in the order chromium made them; the
//     answer is handed back whole with Fetch.fulfillRequest (status,
//     headers with Location and Set-Cookie, body). chromium never resolves
//     a name or opens a connection for them: the agent's origin rules,
//     jar, politeness, secrets and evidence hold for every request, and
//     redirects are followed by chromium one hop at a time, each a hop of
//     the agent. A request the agent refuses (a client URI, a foreign
//     origin) fails as blocked by the client and is recorded as a
//     departure; the main frame's ends the flow with the Outcome
//     interact.Run would give (Redirected after a 3xx, FormPost for a
//     POST, Navigated otherwise).
//   - Passthrough origins (Options.Passthrough: the harness's own loopback
//     servers) are loaded by chromium itself. The main frame going to a
//     client URI there is recorded as a departure all the same; the page
//     loads, settles, and its location.href, window.__implicitspec and
//     title become Outcome.Landing: what the client's script would see.
//   - Decisions. The page, once settled (loaded, no request in flight, its
//     DOM unchanged between two looks), is serialised and given to an
//     interact.Planner: the HTML driver's own decision code, hints, Steps
//     and errors. Its step is carried out in the DOM: values set through
//     the native setter with input and change events (a framework's
//     controlled inputs see them), then the control clicked, the form
//     submitted, or a URL navigated to. A press that leaves the page as it
//     was (its request failed) is not made again: the flow stops on
//     the page if an alert on it says why, else the harness cannot judge.
//   - Isolation. Each Run has its own incognito browser context: flows
//     running at once share no cookie or storage, and chromium's own
//     cookies never reach a server (the agent's jar sends them).
//   - Nothing else leaves. Each browser context's proxy is a loopback sink
//     that closes every connection (sink.go), loopback included, with only
//     the passthrough origins bypassing it: what chromium would fetch or
//     connect to outside the interception (a preconnect at the start of a
//     navigation, the requests of a worker or of a cross-site iframe that
//     runs in a process of its own) fails instead of reaching a server.
//     Service workers are bypassed, and windows the page opens are closed.
//
// Limits: a page's requests that the tab does not see (a cross-site
// iframe's, a worker's) fail rather than go through the agent; the DOM is
// read from document.documentElement, so a form inside a shadow root or an
// iframe is not seen; a cookie a page's script sets (document.cookie) stays
// in chromium, since the agent's jar, which sends the cookies, holds those
// the servers set.
package browser
