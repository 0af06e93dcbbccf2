package vault

import "github.com/federate-action/federate/internal/bodylimit"

// answerLimit bounds what is read from Vault: 8 MiB for one answer, 32 MiB
// for all of a step's answers together (they are kept until the secrets
// are exported). A secret's values reach later steps as environment
// variables (at most 128 KiB each on Linux, about 2 MiB for all together)
// or outputs (1 MB each), so no secret a workflow can use comes near
// either bound, even JSON-escaped. Parsing an answer costs about 8 times
// its size in memory: the bounds keep a broken or hostile server (or a
// vault-url that points at a download) from exhausting the runner's.
var answerLimit = bodylimit.Limit{Server: "Vault", Bytes: 8 << 20, Total: 32 << 20,
	Hint: "check that vault-url is Vault's API address, not a proxy or a download (no secret later steps could use is this large)"}
