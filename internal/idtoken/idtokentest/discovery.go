package idtokentest

import "net/http"

// claimsSupported is the claims_supported list of GitHub's discovery
// document, so a verifier configured from it sees what production shows.
var claimsSupported = []string{
	"sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "sha",
	"repository", "repository_id", "repository_owner", "repository_owner_id",
	"enterprise", "enterprise_id", "run_id", "run_number", "run_attempt",
	"actor", "actor_id", "workflow", "workflow_ref", "workflow_sha",
	"head_ref", "base_ref", "event_name", "ref_type", "ref_protected",
	"environment", "environment_node_id", "job_workflow_ref", "job_workflow_sha",
	"repository_visibility", "runner_environment", "issuer_scope",
}

// discoveryDoc is the OIDC discovery document (OpenID Connect Discovery
// 1.0, section 3) with GitHub's field set. Vault's jwt auth reads issuer
// and jwks_uri from it and refuses an issuer that differs from its URL.
type discoveryDoc struct {
	Issuer                           string   `json:"issuer"`
	JWKSURI                          string   `json:"jwks_uri"`
	SubjectTypesSupported            []string `json:"subject_types_supported"`
	ResponseTypesSupported           []string `json:"response_types_supported"`
	ClaimsSupported                  []string `json:"claims_supported"`
	IDTokenSigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported"`
	ScopesSupported                  []string `json:"scopes_supported"`
}

func (s *Server) serveDiscovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, discoveryDoc{
		Issuer:                           s.Issuer,
		JWKSURI:                          s.Issuer + jwksPath,
		SubjectTypesSupported:            []string{"public", "pairwise"},
		ResponseTypesSupported:           []string{"id_token"},
		ClaimsSupported:                  claimsSupported,
		IDTokenSigningAlgValuesSupported: []string{"RS256"},
		ScopesSupported:                  []string{"openid"},
	})
}

// jwks is the key set document (RFC 7517 section 5).
type jwks struct {
	Keys []jwk `json:"keys"`
}

func (s *Server) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, jwks{Keys: []jwk{s.signer.jwk()}})
}
