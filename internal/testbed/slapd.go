package testbed

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ErrSlapdMissing is returned (wrapped) by StartLDAP when OpenLDAP's
// slapd or slapadd is not installed.
var ErrSlapdMissing = errors.New("slapd/slapadd not found (install Debian's slapd and ldap-utils: apt-get install -y slapd ldap-utils; tools/setup.sh does)")

// LDAP is a real OpenLDAP slapd on a free loopback port, with one
// directory: SuffixDN, its users under UsersDN and groups (groupOfNames,
// membership in member) under GroupsDN.
type LDAP struct {
	URL      string // ldap://127.0.0.1:PORT
	SuffixDN string
	UsersDN  string
	GroupsDN string

	cmd *exec.Cmd
}

// LDAPUser is a user entry: uid, password, and the groups (cn) it is a
// member of.
type LDAPUser struct {
	UID, Password string
	Groups        []string
}

// slapd's Debian locations.
const (
	slapdModules = "/usr/lib/ldap"
	slapdSchemas = "/etc/ldap/schema"
)

// StartLDAP writes a slapd.conf into dir (slapd -f; no cn=config needed),
// loads the users and their groups with slapadd, starts slapd on a free
// loopback port and returns once it accepts connections. The server runs
// until Stop.
func StartLDAP(ctx context.Context, dir string, users []LDAPUser) (*LDAP, error) {
	slapd, err := exec.LookPath("slapd")
	if err != nil {
		slapd = "/usr/sbin/slapd" // root's PATH has sbin; another user's may not
	}
	slapadd := filepath.Join(filepath.Dir(slapd), "slapadd")
	for _, bin := range []string{slapd, slapadd} {
		if _, err := os.Stat(bin); err != nil {
			return nil, fmt.Errorf("start slapd: %w: %v", ErrSlapdMissing, err)
		}
	}
	l := &LDAP{SuffixDN: "dc=example,dc=org"}
	l.UsersDN, l.GroupsDN = "ou=users,"+l.SuffixDN, "ou=groups,"+l.SuffixDN
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "slapd.conf")
	if err := os.WriteFile(conf, []byte(l.config(dir, data)), 0o600); err != nil {
		return nil, err
	}
	ldif := filepath.Join(dir, "data.ldif")
	if err := os.WriteFile(ldif, []byte(l.entries(users)), 0o600); err != nil {
		return nil, err
	}
	if out, err := exec.CommandContext(ctx, slapadd, "-f", conf, "-l", ldif).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("slapadd: %w: %s", err, out)
	}
	logFile, err := os.Create(filepath.Join(dir, "slapd.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	for try := 1; ; try++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		l.URL = "ldap://" + addr
		// -d 0 keeps slapd in the foreground, so Stop can end it.
		l.cmd = exec.Command(slapd, "-f", conf, "-h", l.URL+"/", "-d", "0")
		l.cmd.Stdout, l.cmd.Stderr = logFile, logFile
		setProcessGroup(l.cmd)
		if err := l.cmd.Start(); err != nil {
			return nil, fmt.Errorf("start slapd: %w", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- l.cmd.Wait() }()
		err = waitListening(ctx, addr, exited)
		if err == nil {
			return l, nil
		}
		_ = l.Stop()
		if try == 3 {
			log, _ := os.ReadFile(logFile.Name())
			return nil, fmt.Errorf("start slapd at %s: %w; its log:\n%s", l.URL, err, log)
		}
	}
}

// waitListening waits until addr accepts a connection, the process exits
// (the port was taken meanwhile) or 20s pass.
func waitListening(ctx context.Context, addr string, exited <-chan error) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			_ = c.Close()
			return nil
		}
		select {
		case err := <-exited:
			return fmt.Errorf("slapd exited: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("slapd did not listen within 20s")
}

// Stop kills slapd.
func (l *LDAP) Stop() error {
	if l.cmd == nil || l.cmd.Process == nil {
		return nil
	}
	return killProcessGroup(l.cmd)
}

// config is a slapd.conf with one mdb database. With no access directive
// slapd lets anyone read, as Vault's ldap method needs to find a user's
// groups; userPassword is still only compared by a bind.
func (l *LDAP) config(dir, data string) string {
	return strings.Join([]string{
		"include " + slapdSchemas + "/core.schema",
		"include " + slapdSchemas + "/cosine.schema",
		"include " + slapdSchemas + "/inetorgperson.schema",
		"modulepath " + slapdModules,
		"moduleload back_mdb",
		"pidfile " + filepath.Join(dir, "slapd.pid"),
		"database mdb",
		"maxsize 10485760",
		`suffix "` + l.SuffixDN + `"`,
		`rootdn "cn=admin,` + l.SuffixDN + `"`,
		"directory " + data,
		"",
	}, "\n")
}

// UserDN is the DN of the user with uid.
func (l *LDAP) UserDN(uid string) string { return "uid=" + uid + "," + l.UsersDN }

// entries is the directory as LDIF: the suffix, the two OUs, the users and
// one groupOfNames per group they name.
func (l *LDAP) entries(users []LDAPUser) string {
	var b strings.Builder
	fmt.Fprintf(&b, "dn: %s\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n", l.SuffixDN)
	fmt.Fprintf(&b, "dn: %s\nobjectClass: organizationalUnit\nou: users\n\n", l.UsersDN)
	fmt.Fprintf(&b, "dn: %s\nobjectClass: organizationalUnit\nou: groups\n\n", l.GroupsDN)
	members := map[string][]string{}
	var groups []string
	for _, u := range users {
		fmt.Fprintf(&b, "dn: %s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\nuserPassword: %s\n\n", l.UserDN(u.UID), u.UID, u.UID, u.UID, u.Password)
		for _, g := range u.Groups {
			if members[g] == nil {
				groups = append(groups, g)
			}
			members[g] = append(members[g], l.UserDN(u.UID))
		}
	}
	for _, g := range groups {
		fmt.Fprintf(&b, "dn: cn=%s,%s\nobjectClass: groupOfNames\ncn: %s\n", g, l.GroupsDN, g)
		for _, m := range members[g] {
			fmt.Fprintf(&b, "member: %s\n", m)
		}
		b.WriteString("\n")
	}
	return b.String()
}
