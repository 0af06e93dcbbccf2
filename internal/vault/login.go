package vault

import (
	"context"
	"errors"
	"fmt"

	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/netpolicy"
	"github.com/federate-action/federate/internal/retry"
	"github.com/federate-action/federate/internal/secret"
)

// Login says how to authenticate.
type Login struct {
	Method string // jwt, approle, token, cert, aws, userpass, ldap, github, kubernetes or another with Payload
	Mount  string // auth mount path
	Role   string // jwt role ("" for the mount's default_role), kubernetes role, cert certificate name, aws role

	JWT         func(ctx context.Context) (secret.String, error) // jwt: a fresh ID token per attempt; kubernetes: the service account token
	RoleID      string                                           // approle
	SecretID    secret.String                                    // approle; zero for a role with bind_secret_id=false
	Token       secret.String                                    // token
	AWS         *AWSLogin                                        // aws
	Username    string                                           // userpass, ldap
	Password    secret.String                                    // userpass, ldap
	GitHubToken secret.String                                    // github
	Payload     map[string]any                                   // any other method: the login body as given
}

// Login authenticates and makes the client use the token it got, which
// it returns so the caller can mask it at once.
func (c *Client) Login(ctx context.Context, l Login) (secret.String, error) {
	if l.Method == "token" {
		c.UseToken(l.Token)
		return l.Token, nil
	}
	if l.Method == "aws" {
		// Before any attempt: no credentials is the user's to fix, not retried.
		if _, err := l.AWS.Credentials(ctx); err != nil {
			return secret.String{}, err
		}
	}
	var token, lastJWT secret.String
	err := retry.Do(ctx, c.retry, loginTransient, func(ctx context.Context) error {
		body := map[string]any{}
		path := "auth/" + l.Mount + "/login"
		switch l.Method {
		case "jwt":
			jwt, err := l.JWT(ctx)
			if err != nil {
				return err
			}
			lastJWT = jwt
			body["jwt"] = jwt.Reveal()
			if l.Role != "" {
				body["role"] = l.Role
			}
		case "approle":
			body["role_id"] = l.RoleID
			// A role with bind_secret_id=false is given none.
			if !l.SecretID.IsZero() {
				body["secret_id"] = l.SecretID.Reveal()
			}
		case "cert":
			// The TLS client certificate is the credential; the role,
			// if any, picks one of the mount's trusted certificates.
			if l.Role != "" {
				body["name"] = l.Role
			}
		case "aws":
			var err error
			if body, err = awsLoginBody(ctx, l.AWS, l.Role); err != nil {
				return err
			}
		default:
			var err error
			if path, body, err = credentialBody(ctx, l); err != nil {
				return err
			}
		}
		s, err := c.api.Logical().WriteWithContext(ctx, path, body)
		if err != nil {
			return vet(err)
		}
		if s == nil || s.Auth == nil || s.Auth.ClientToken == "" {
			return errors.New("the Vault login answer holds no client token")
		}
		token = secret.New(s.Auth.ClientToken)
		// A batch token (a role with token_type=batch) has no accessor:
		// Vault keeps no record of it, so it cannot be revoked.
		c.batch = s.Auth.Accessor == ""
		return nil
	})
	if err != nil {
		return secret.String{}, loginError(l, err, lastJWT)
	}
	c.UseToken(token)
	return token, nil
}

// loginError explains a refused login; other failures keep their own text.
func loginError(l Login, err error, jwt secret.String) error {
	// A service account token file that cannot be read is the input's
	// fault, not Vault's: it is shown as that input's error.
	var fileErr *idtoken.FileError
	if l.Method == "kubernetes" && errors.As(err, &fileErr) {
		return fileErr
	}
	status := statusOf(err)
	if status != 400 && status != 401 && status != 403 {
		title := "Vault login failed"
		var redirect *netpolicy.RedirectError
		if errors.As(err, &redirect) {
			title = redirect.Title()
		}
		return &safeError{title: title, msg: fmt.Sprintf("logging in to Vault at auth/%s (method %s): %s", l.Mount, l.Method, reasons(err)), err: err}
	}
	e := &LoginError{Method: l.Method, Mount: l.Mount, Role: l.Role, Username: l.Username, Status: status, Reason: reasons(err), Err: err}
	if l.Method == "jwt" {
		if claims, perr := idtoken.ParseClaims(jwt); perr == nil {
			e.Claims = &claims
		}
	}
	return e
}

// Revocable reports whether the token that Login got can be revoked: a
// batch token cannot, and lives until the end of its TTL.
func (c *Client) Revocable() bool { return !c.batch }

// RevokeSelf revokes the client's token, so it is worthless after the step.
func (c *Client) RevokeSelf(ctx context.Context) error {
	return retry.Do(ctx, c.retry, transient, func(ctx context.Context) error {
		return vet(c.api.Auth().Token().RevokeSelfWithContext(ctx, ""))
	})
}

// safeError shows a vetted message but keeps the cause for errors.As: the
// cause's own text may hold a raw answer that echoes the request.
type safeError struct {
	title string
	msg   string
	err   error
}

func (e *safeError) Error() string { return e.msg }
func (e *safeError) Unwrap() error { return e.err }

// Title is the annotation title.
func (e *safeError) Title() string { return e.title }
