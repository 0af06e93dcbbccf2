package app

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/federate-action/federate/internal/idtoken"
	"github.com/federate-action/federate/internal/runner"
	"github.com/federate-action/federate/internal/secret"
)

// serviceAccountToken reads the Kubernetes service account token at each
// login attempt (the kubelet rotates it) and masks it before it is sent.
// It is read as web-identity-token-file is, a regular file only, so a FIFO
// or device cannot hang the step. Kubernetes mounts the token as a link
// into the volume's current data directory (token -> ..data/token), so
// the links of the path the user chose are resolved first; the file they
// end at must not be one.
func serviceAccountToken(path string, out *runner.Runner) func(context.Context) (secret.String, error) {
	return func(ctx context.Context) (secret.String, error) {
		resolved, err := filepath.EvalSymlinks(path)
		if err != nil {
			return secret.String{}, &idtoken.FileError{Input: "vault-kubernetes-token-path", Path: path,
				Reason: "cannot be read: " + unwrapPath(err) + "; give the file that holds the service account token (on Kubernetes, the pod mounts it unless automountServiceAccountToken is false)"}
		}
		f := &idtoken.File{Path: resolved, Input: "vault-kubernetes-token-path"}
		token, err := f.Token(ctx, "")
		if err == nil {
			out.Mask(token)
		}
		return token, err
	}
}

// unwrapPath is err's text without the path, which FileError shows.
func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
