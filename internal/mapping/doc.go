// Package mapping turns what the credential stages fetched (AWS
// credentials, Vault secrets and token) into the export set: the names and
// values later steps get, the masks and the job summary. It is pure: no
// I/O and no log lines; what it has to say comes back as notes.
package mapping
