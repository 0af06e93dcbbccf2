package idtokentest

import (
	"crypto/rand"
	"fmt"
	"maps"
	"time"
)

// Fixed identity of the simulated run. GitHub sends numeric IDs and run
// counters as JSON strings; keeping them strings here catches clients that
// assume numbers. Values are fixed so golden files stay stable.
const (
	claimRepositoryID      = "690297181"
	claimRepositoryOwnerID = "94528760"
	claimActor             = "octocat"
	claimActorID           = "583231"
	claimRunID             = "11287465022"
	claimRunNumber         = "42"
	claimRunAttempt        = "1"
	claimSHA               = "5e1f7c9b2d4a6e8f0a1b3c5d7e9f1a2b4c6d8e0f"
	claimRef               = "refs/heads/main"
	claimWorkflow          = "deploy"
	claimWorkflowFile      = ".github/workflows/deploy.yml"
)

// notBeforeSkew back-dates nbf by ten minutes before iat, as GitHub's
// tokens do, so a verifier whose clock runs behind still accepts them.
const notBeforeSkew = 10 * time.Minute

// defaultClaims returns GitHub's claim set for a push to main in
// owner/repo (the claims listed by the runner contract, "The ID token
// endpoint"), without environment: GitHub sends it only for jobs that
// name one.
func (s *Server) defaultClaims(aud string, now time.Time) (map[string]any, error) {
	jti, err := newJTI()
	if err != nil {
		return nil, err
	}
	repository := s.owner + "/" + s.repo
	workflowRef := repository + "/" + claimWorkflowFile + "@" + claimRef
	iat := now.Unix()
	return map[string]any{
		"iss":                   s.Issuer,
		"aud":                   aud,
		"sub":                   "repo:" + repository + ":ref:" + claimRef,
		"iat":                   iat,
		"nbf":                   now.Add(-notBeforeSkew).Unix(),
		"exp":                   now.Add(s.lifetime).Unix(),
		"jti":                   jti,
		"repository":            repository,
		"repository_id":         claimRepositoryID,
		"repository_owner":      s.owner,
		"repository_owner_id":   claimRepositoryOwnerID,
		"repository_visibility": "private",
		"ref":                   claimRef,
		"ref_type":              "branch",
		"ref_protected":         "true",
		"sha":                   claimSHA,
		"workflow":              claimWorkflow,
		"workflow_ref":          workflowRef,
		"workflow_sha":          claimSHA,
		"job_workflow_ref":      workflowRef,
		"job_workflow_sha":      claimSHA,
		"event_name":            "push",
		"actor":                 claimActor,
		"actor_id":              claimActorID,
		"run_id":                claimRunID,
		"run_number":            claimRunNumber,
		"run_attempt":           claimRunAttempt,
		"runner_environment":    "github-hosted",
		"head_ref":              "",
		"base_ref":              "",
	}, nil
}

// issue signs the default claims for aud with the current overrides merged
// on top; a nil override deletes the claim.
func (s *Server) issue(aud string) (string, error) {
	claims, err := s.platformClaims(aud, s.now())
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	overrides := maps.Clone(s.claims)
	s.mu.Unlock()
	for k, v := range overrides {
		if v == nil {
			delete(claims, k)
			continue
		}
		claims[k] = v
	}
	return s.signer.sign(claims)
}

// newJTI returns a random version 4 UUID, the form of GitHub's jti.
func newJTI() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generating jti: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}
