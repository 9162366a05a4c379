package refserver

import "slices"

// FaultReach says which requests a fault can change, and so in which
// configurations (Config.ResponseTypes) it applies. The flow faults act on
// the server's primary type (Config.Primary: token if offered, else
// id_token token, else id_token), the type a harness runs its flow with; the
// OpenID Connect faults act on the OpenID Connect types, each of which a
// harness exercises when it is offered.
type FaultReach string

// The reaches. The zero FaultReach is ReachFlow.
const (
	// ReachFlow: the fault acts on requests or responses of every type, or
	// of the primary type, or on what no response type changes (pages, TLS,
	// metadata, registration): it applies whenever a type is offered.
	ReachFlow FaultReach = ""
	// ReachAccessToken: the fault acts on the access token of the primary
	// type's response (its value, type, lifetime, scope, what comes beside
	// it, the redirect carrying it, the resource accepting it): it applies
	// when the primary type returns one, token or id_token token, not when
	// the server offers id_token alone.
	ReachAccessToken FaultReach = "access-token"
	// ReachPlainToken: the behaviour the fault breaks exists for
	// response_type=token only: it applies only when token is offered.
	ReachPlainToken FaultReach = "plain-token"
	// ReachOIDC: the fault acts on every request for an ID token: it applies
	// when id_token token or id_token is offered.
	ReachOIDC FaultReach = "oidc"
	// ReachIDTokenToken: the fault acts on id_token token only: it applies
	// when that type is offered.
	ReachIDTokenToken FaultReach = "id_token token"
	// ReachIDTokenAlone: the fault acts on id_token alone only: it applies
	// when that type is offered.
	ReachIDTokenAlone FaultReach = "id_token"
)

// AppliesTo reports whether the fault changes what the server does for a
// request a harness makes when the server offers the response types offered
// (Config.ResponseTypes; nil means all three): for the flow the primary
// type, for the OpenID Connect faults each offered OpenID Connect type. A
// fault that does not apply leaves the server conformant.
func (fi FaultInfo) AppliesTo(offered []string) bool {
	c := Config{ResponseTypes: offered}
	has := func(rt string) bool { return slices.Contains(c.Offered(), rt) }
	switch fi.Reach {
	case ReachAccessToken:
		return c.Primary() == ResponseTypeToken || c.Primary() == ResponseTypeIDTokenToken
	case ReachPlainToken:
		return has(ResponseTypeToken)
	case ReachOIDC:
		return has(ResponseTypeIDTokenToken) || has(ResponseTypeIDToken)
	case ReachIDTokenToken:
		return has(ResponseTypeIDTokenToken)
	case ReachIDTokenAlone:
		return has(ResponseTypeIDToken)
	}
	return c.Primary() != ""
}

// faultReaches are the faults whose reach is not ReachFlow, each with why.
var faultReaches = map[Fault]FaultReach{
	// The access token of the primary type's response.
	FaultEmptyAccessToken:       ReachAccessToken,
	FaultNoTokenType:            ReachAccessToken,
	FaultTokenTypeUnknown:       ReachAccessToken,
	FaultParameterTwice:         ReachAccessToken, // the repeated parameter is token_type
	FaultNoExpiresIn:            ReachAccessToken,
	FaultExpiresInZero:          ReachAccessToken,
	FaultExpiresInMillis:        ReachAccessToken,
	FaultExpiresInDay:           ReachAccessToken,
	FaultRefreshTokenIssued:     ReachAccessToken,
	FaultRefreshTokenOffline:    ReachAccessToken,
	FaultTokenConstant:          ReachAccessToken,
	FaultTokensSequential:       ReachAccessToken,
	FaultTokenLowEntropy:        ReachAccessToken,
	FaultTokenNonASCII:          ReachAccessToken,
	FaultTokenNotB64:            ReachAccessToken,
	FaultTokenInQuery:           ReachAccessToken,
	FaultBrowserTokenInQuery:    ReachAccessToken,
	FaultTokenRedirectCacheable: ReachAccessToken,
	FaultUserinfoRejectsTokens:  ReachAccessToken,
	FaultUserinfoComparesPrefix: ReachAccessToken, // TOK-10 needs the flow's access token
	FaultUserinfoNoChallenge:    ReachAccessToken,
	FaultUserinfoAnonymous:      ReachAccessToken,
	FaultInvalidScopeOnPage:     ReachAccessToken, // SCOPE-01 judges the scope granted with an access token

	// Multiple Response Type Encoding Practices §5 (catalogue TOK-07): what
	// a plain token response must not carry.
	FaultCodeAdded:    ReachPlainToken,
	FaultIDTokenAdded: ReachPlainToken,
	// RFC 8414 §2 (RT-03, META-01): the metadata leaving token out while
	// token is served; a server that does not offer token lists it nowhere.
	FaultMetadataOmitsToken: ReachPlainToken,
	// RFC 6749 §3.1.1: "TOKEN" read as token, a type it can only be read as
	// when token is offered.
	FaultResponseTypeCaseInsensitive: ReachPlainToken,
	// Only a request that may omit its scope or redirect URI shows these:
	// an OpenID Connect request needs the openid scope (Core §3.1.2.1) and
	// its redirect_uri (§3.1.2.1), so the conformant server refuses it the
	// same way with or without the fault.
	FaultScopeOmittedWhenDefaulted: ReachPlainToken,
	FaultOmittedScopeServerError:   ReachPlainToken,
	FaultDefaultToFirstURI:         ReachPlainToken,
	FaultEmptyValueAsGiven:         ReachPlainToken,

	// RFC 6749 §3.1.1 word order: only "token id_token" can be misread.
	FaultCompositeOrderSensitive: ReachIDTokenToken,

	// OpenID Connect Core: the ID token and the OpenID Connect request.
	FaultOIDCNonceNotRequired:         ReachOIDC,
	FaultOIDCNonceNotEchoed:           ReachOIDC,
	FaultOIDCAtHashMissing:            ReachIDTokenToken, // §3.2.2.10: at_hash goes with an access token
	FaultOIDCAtHashWrongHash:          ReachIDTokenToken,
	FaultOIDCAtHashWithoutAccessToken: ReachIDTokenAlone,
	FaultOIDCUnsignedIDToken:          ReachOIDC,
	FaultOIDCBadSignature:             ReachOIDC,
	FaultOIDCWrongIssuer:              ReachOIDC,
	FaultOIDCWrongAudience:            ReachOIDC,
	FaultOIDCExpired:                  ReachOIDC,
	FaultOIDCAccessTokenForIDToken:    ReachIDTokenAlone, // Multiple Response Type Encoding Practices §3
	FaultOIDCRedirectURIOptional:      ReachOIDC,
	FaultOIDCHTTPRedirectURI:          ReachOIDC,
	FaultOIDCWithoutOpenIDScope:       ReachOIDC,
	FaultOIDCResponseModeQuery:        ReachOIDC,
	FaultOIDCPromptNoneShowsLogin:     ReachOIDC,
	FaultOIDCPromptLoginIgnored:       ReachOIDC,
	FaultOIDCMaxAgeIgnored:            ReachOIDC,
	FaultOIDCAuthTimeMissing:          ReachOIDC,
	FaultOIDCAuthTimeFirstLogin:       ReachOIDC,
	FaultOIDCSubPerLogin:              ReachOIDC,
	FaultOIDCUserinfoSubDiffers:       ReachIDTokenToken, // the access token reaches userinfo
	FaultOIDCUnknownKid:               ReachOIDC,
	FaultOIDCIatInFuture:              ReachOIDC,
}
