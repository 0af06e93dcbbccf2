package vault

import (
	"os"
	"strings"
	"sync"

	"github.com/hashicorp/vault/api"
)

// envMu serialises newAPIClient: the process environment is shared.
var envMu sync.Mutex

// newAPIClient is api.NewClient without the job's VAULT_* variables.
// NewClient always builds api.DefaultConfig(), which parses VAULT_CACERT,
// VAULT_SKIP_VERIFY, VAULT_RATE_LIMIT, VAULT_MAX_RETRIES and the rest, and
// fails on a value it cannot use, then reads VAULT_TOKEN, VAULT_NAMESPACE
// and VAULT_HEADERS itself. None of them is ours to use (a job sets them
// for the vault CLI, or a runner on a developer's machine has them), and
// vault/api offers no way to skip them: so they are hidden from it while
// it runs, and put back afterwards. The one vault/api reads later,
// VAULT_WRAP_TTL, is switched off in New.
func newAPIClient(cfg *api.Config) (*api.Client, error) {
	envMu.Lock()
	defer envMu.Unlock()
	hidden := map[string]string{}
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "VAULT_") {
			hidden[name] = value
			_ = os.Unsetenv(name)
		}
	}
	defer func() {
		for name, value := range hidden {
			_ = os.Setenv(name, value)
		}
	}()
	return api.NewClient(cfg)
}
