package vault

import (
	"context"
	"fmt"
)

// credentialBody is the login path and body of the methods that log in
// with a credential the user gave (userpass, ldap, github), a service
// account token (kubernetes) or a whole body (vault-auth-payload), as
// Vault documents each method's login.
func credentialBody(ctx context.Context, l Login) (path string, body map[string]any, err error) {
	login := "auth/" + l.Mount + "/login"
	switch {
	case l.Method == "userpass" || l.Method == "ldap":
		// The username is one path segment: the plan refuses '/' and dot
		// segments in it.
		return login + "/" + l.Username, map[string]any{"password": l.Password.Reveal()}, nil
	case l.Method == "github":
		return login, map[string]any{"token": l.GitHubToken.Reveal()}, nil
	case l.Method == "kubernetes":
		jwt, err := l.JWT(ctx)
		if err != nil {
			return "", nil, err
		}
		return login, map[string]any{"role": l.Role, "jwt": jwt.Reveal()}, nil
	case l.Payload != nil:
		// Sent as it is: the request only encodes the body.
		return login, l.Payload, nil
	}
	return "", nil, fmt.Errorf("unknown Vault login method %q", l.Method)
}
