//go:build !unix

package credprocess

import (
	"context"
	"fmt"
	"os"
	"runtime"
)

// supported says why the mode does not run here, before it touches the
// disk: its cache is only safe with flock and file owners, which Unix
// systems have. The mode serves the AWS SDK of a later step on a runner,
// and runners run the action on Linux.
func supported() error { return unsupported() }

func unsupported() error {
	return fmt.Errorf("credential-process is not supported on %s: its cache needs file locks and file owners; run it on Linux or macOS", runtime.GOOS)
}

// openOwned refuses every cache: none can be checked for its owner.
func openOwned(string) (*os.File, error) { return nil, unsupported() }

// lock refuses: there is no flock to order the processes with.
func lock(context.Context, string) (func(), error) { return nil, unsupported() }
