package refserver

// Fault names one deliberate deviation the reference server can be switched
// into. Each fault breaks exactly one behaviour; the harness's fault matrix
// runs the suite once per fault and expects the scenarios of the fault's
// requirements to fail.
type Fault string

// The fault switches. The check for each sits at exactly the place of the
// behaviour it breaks, with a comment citing the clause. Each fault is
// described once, by its row in coreFaults or in its area's table
// (faults_*.go), which also names the requirements it breaks.
const (
	FaultDropStateOnSuccess     Fault = "state-dropped-on-success"
	FaultStateUnencoded         Fault = "state-unencoded"
	FaultStatePlusAsSpace       Fault = "state-plus-as-space"
	FaultDropStateOnError       Fault = "state-dropped-on-error"
	FaultInventState            Fault = "state-invented"
	FaultRequireState           Fault = "state-required"
	FaultDenyWrongError         Fault = "deny-wrong-error"
	FaultTokenInQuery           Fault = "token-in-query"
	FaultResponseInQuery        Fault = "response-in-query"
	FaultEmptyAccessToken       Fault = "empty-access-token"
	FaultNoTokenType            Fault = "no-token-type"
	FaultUserinfoRejectsTokens  Fault = "userinfo-rejects-tokens"
	FaultRedirectURIRewritten   Fault = "redirect-uri-rewritten"
	FaultRedirectURIPrefixMatch Fault = "redirect-uri-prefix-match"
	FaultUnknownClientRedirects Fault = "unknown-client-redirects"
	FaultImplicitForEveryClient Fault = "implicit-for-every-client"
	FaultImpreciseClientError   Fault = "imprecise-client-error"
)

// FaultInfo documents one fault switch.
type FaultInfo struct {
	Fault        Fault
	Requirements []string // catalogue IDs whose scenarios this fault is meant to break, first = the one it is named for
	Description  string   // one plain sentence: what the server then does wrong (with the default Config)
	// Reach says which requests the fault can change; AppliesTo turns it
	// into whether the fault applies when the server offers given response
	// types (Config.ResponseTypes).
	Reach FaultReach
}

// faultEntry is one row of an area's table: FaultInfo without the reach,
// which faults_reach.go keeps for the few faults that need one.
type faultEntry struct {
	fault        Fault
	requirements []string
	description  string
}

// allFaults is the single source of Faults and LookupFault: the core table
// then each area's (one file per area, so areas grow independently), with
// each fault's reach. The tables are never mutated; Faults hands out deep
// copies.
func allFaults() []FaultInfo {
	var all []FaultInfo
	for _, table := range [][]faultEntry{coreFaults, redirectFaults, responseFaults, securityFaults, oidcFaults, requestFaults, browserFaults} {
		for _, e := range table {
			all = append(all, FaultInfo{Fault: e.fault, Requirements: e.requirements, Description: e.description, Reach: faultReaches[e.fault]})
		}
	}
	return all
}

// coreFaults break the behaviours of the first features.
var coreFaults = []faultEntry{
	{FaultDropStateOnSuccess, []string{"STATE-01", "STATE-03", "STATE-08", "STATE-04", "STATE-05"},
		"The success response omits the state parameter the client sent."},
	{FaultStateUnencoded, []string{"STATE-03", "STATE-04", "FRAG-03"},
		"The success fragment carries the state value raw, without form-urlencoding it."},
	{FaultStatePlusAsSpace, []string{"STATE-03"},
		"On success every '+' in the state is turned into a space before encoding, as a double-decoding bug would."},
	{FaultDropStateOnError, []string{"STATE-02", "FP-03"},
		"Every error response omits the state parameter the client sent."},
	{FaultInventState, []string{"STATE-06"},
		"A successful request sent without state gets a random state in the response."},
	{FaultRequireState, []string{"STATE-06"},
		"A request sent without state is refused with invalid_request instead of being served."},
	{FaultDenyWrongError, []string{"ERR-01"},
		"When the user denies consent the error is server_error instead of access_denied."},
	{FaultTokenInQuery, []string{"FRAG-02", "RDR-01", "RDR-02", "RDR-11", "RDR-18"},
		"On success the access token is also copied into the redirect URI's query."},
	{FaultResponseInQuery, []string{"FRAG-01", "FRAG-02", "AEP-01", "TOK-01", "TOK-03", "TOK-09", "STATE-01", "STATE-03", "STATE-06", "STATE-08", "RDR-01", "RDR-02", "RDR-11", "RDR-18", "STATE-05", "FRAG-06"},
		"The whole success response is put in the redirect URI's query instead of its fragment."},
	{FaultEmptyAccessToken, []string{"TOK-01", "TOK-09", "AEP-01", "STATE-06", "RDR-18", "TOK-08"},
		"The success response carries an empty access_token."},
	{FaultNoTokenType, []string{"TOK-03"},
		"The success response omits token_type."},
	{FaultUserinfoRejectsTokens, []string{"TOK-09"},
		"The userinfo endpoint answers 401 invalid_token to every token, including live ones."},
	{FaultRedirectURIRewritten, []string{"RDR-01", "RDR-02", "RDR-11", "RDR-18"},
		"Success redirects go to the redirect URI with a trailing slash appended instead of the URI as registered."},
	{FaultRedirectURIPrefixMatch, []string{"RDR-04", "RDR-05", "RDR-09", "RDR-10", "RDR-12", "RDR-14", "RDR-17", "RDR-22"},
		"Any redirect_uri that starts with a registered URI is accepted and redirected to."},
	{FaultUnknownClientRedirects, []string{"CID-01"},
		"An unknown client_id is answered with a redirect carrying error=invalid_client to the requested redirect_uri instead of an error page."},
	{FaultImplicitForEveryClient, []string{"RT-04"},
		"Clients that are not allowed response_type=token are issued tokens anyway."},
	{FaultImpreciseClientError, []string{"RT-04"},
		"A client that is not allowed response_type=token gets invalid_request instead of unauthorized_client."},
}

// Faults lists every fault switch in a stable order.
func Faults() []FaultInfo {
	table := allFaults()
	out := make([]FaultInfo, len(table))
	for i, fi := range table {
		fi.Requirements = append([]string(nil), fi.Requirements...)
		out[i] = fi
	}
	return out
}

// LookupFault returns the fault whose name is exactly name.
func LookupFault(name string) (Fault, bool) {
	for _, fi := range allFaults() {
		if string(fi.Fault) == name {
			return fi.Fault, true
		}
	}
	return "", false
}

// faultSet is a Server's immutable set of switched-on faults.
type faultSet map[Fault]bool

func (fs faultSet) on(f Fault) bool { return fs[f] }
