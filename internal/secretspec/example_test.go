package secretspec_test

import (
	"fmt"

	"github.com/federate-action/federate/internal/secretspec"
)

func ExampleParse() {
	specs, err := secretspec.Parse(`
secret/data/aws accessKey | AWS_ACCESS_KEY_ID ;
secret/data/ci npm-token
secret/data/ci "db.password"
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range specs {
		fmt.Printf("entry %d, line %d: read %s, env %s, output %s\n", s.Entry, s.Line, s.Path, s.EnvName(), s.OutputName())
	}
	// Output:
	// entry 1, line 2: read secret/data/aws, env AWS_ACCESS_KEY_ID, output AWS_ACCESS_KEY_ID
	// entry 2, line 3: read secret/data/ci, env NPMTOKEN, output npmtoken
	// entry 3, line 4: read secret/data/ci, env DB__PASSWORD, output db__password
}

func ExampleParse_wildcard() {
	specs, _ := secretspec.Parse("secret/data/ci * | CI_")
	env, output := specs[0].WildcardNames("dbPass")
	fmt.Println(env, output)
	// Output: CI_DBPASS CI_dbPass
}

func ExampleParse_error() {
	_, err := secretspec.Parse("secret/data/ci token;\nsecret/data/x $join(a | X")
	fmt.Println(err)
	// Output: vault-secrets entry 2 (line 2, column 21): invalid JSONata selector: expected token ')' before end of expression (see https://docs.jsonata.org): "secret/data/x $join(a | X"
}
